import { z } from 'zod';

/** An SSH key fingerprint as `ssh-keygen -lf` prints it: `SHA256:` and 43 unpadded base64 characters. */
export const ZSshFingerprint = z
  .string()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}$/,
    'must be a SHA-256 fingerprint as ssh-keygen -lf prints it (SHA256:...)',
  );

/**
 * A host name or an IP address; anything else (spaces, URLs, user@host) is refused
 * rather than handed to the network stack. Also what the platform's own servers listen on.
 */
export const ZHost = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(
    // Labels joined by single dots (no nested repetition, so no catastrophic backtracking),
    // or the characters of an IPv4/IPv6 address.
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^[0-9A-Fa-f:.]+$/,
    'must be a host name or an IP address',
  );

/**
 * The fields of an organisation's own SFTP server the platform connects to (a
 * member's pull source, a client's push target): where, as whom, which directory,
 * and the pinned host key — a connection presenting another key is refused.
 *
 * @example
 * const ZTarget = z.object({ ...SFTP_ENDPOINT_FIELDS, enabled: z.boolean() }).strict();
 */
export const SFTP_ENDPOINT_FIELDS = {
  host: ZHost,
  port: z.coerce.number().int().min(1).max(65535).default(22),
  username: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._@-]+$/, 'may contain letters, digits and . _ @ - only'),
  remoteDir: z
    .string()
    .min(1)
    .max(1024)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
    .regex(/^[^\u0000-\u001f\u007f\\]+$/, 'must be a plain path without control characters'),
  /** The pinned host key: a connection presenting another key is refused. */
  hostKeySha256: ZSshFingerprint,
};
