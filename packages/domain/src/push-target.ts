import { z } from 'zod';
import { SFTP_ENDPOINT_FIELDS } from './sftp-endpoint.ts';

/**
 * Where a client's deliveries are pushed, besides its `out/` on the platform: its
 * own SFTP server, with the host key pinned. The platform logs in with its SSH
 * client key (a platform secret), never a stored password.
 */
export const ZPushTargetInput = z
  .object({
    ...SFTP_ENDPOINT_FIELDS,
    enabled: z.boolean().default(true),
  })
  .strict();
export type TPushTargetInput = z.input<typeof ZPushTargetInput>;
export type TPushTargetFields = z.output<typeof ZPushTargetInput>;

/**
 * Where a delivery stands with the client's own server: `not_configured` (no
 * enabled push target when it was written), `pending` (queued), `pushed` (final
 * name on the client's server, read back and checked) or `failed` (retryable).
 */
export const ZDeliveryPushStatus = z.enum(['not_configured', 'pending', 'pushed', 'failed']);
export type TDeliveryPushStatus = z.infer<typeof ZDeliveryPushStatus>;

/**
 * The hidden name a delivery is uploaded under before its checked rename, in the
 * same remote directory: dot-prefixed (most SFTP servers and watchers skip hidden
 * files) and unique per attempt.
 *
 * @example
 * pushTempFileName('C01_20261203_ab12.csv.gpg', 'f00d') // '.C01_20261203_ab12.csv.gpg.partial-f00d'
 */
export function pushTempFileName(fileName: string, attemptToken: string): string {
  return `.${fileName}.partial-${attemptToken}`;
}

/**
 * The remote path of `fileName` in `remoteDir` (POSIX, whatever the platform's OS).
 *
 * @example
 * remoteFilePath('/incoming/', 'a.csv.gpg') // '/incoming/a.csv.gpg'
 */
export function remoteFilePath(remoteDir: string, fileName: string): string {
  const directory = remoteDir.endsWith('/') ? remoteDir.slice(0, -1) : remoteDir;
  return `${directory}/${fileName}`;
}
