import { AppError, isAppError } from '@alliage/domain';

/**
 * Why an encrypted member file was rejected. Stable: intake reports and metrics key
 * on these codes, and the member-facing report words each one.
 */
export type TDecryptRejection =
  /** Decrypted fine, but carries no signature at all. */
  | 'unsigned'
  /** A signature does not match the content, or its key is expired or revoked. */
  | 'bad_signature'
  /** Signed, but by no key registered for this member. */
  | 'unknown_signer'
  /** Not encrypted to any platform key (another recipient, or a passphrase). */
  | 'wrong_recipient'
  /** The integrity check (MDC) failed or the decrypted data is corrupt: altered or truncated. */
  | 'integrity'
  /** Decompresses beyond the plaintext cap (compression bomb, nested compression). */
  | 'too_large'
  /** A plain signed or clear file where an encrypted one was expected. */
  | 'not_encrypted'
  /** Not a readable OpenPGP message, or a form the platform does not accept. */
  | 'malformed'
  /** The reader cancelled the plaintext stream before the end, so nothing was verified. */
  | 'cancelled';

export const DECRYPT_REJECTIONS: readonly TDecryptRejection[] = [
  'unsigned',
  'bad_signature',
  'unknown_signer',
  'wrong_recipient',
  'integrity',
  'too_large',
  'not_encrypted',
  'malformed',
  'cancelled',
];

/**
 * The `malformed` detail of a file holding a second OpenPGP message after the first
 * (`cat a.gpg b.gpg`), whichever engine read it: without it, gpg's verdict on the second
 * message (a bad signature, a failed integrity check) told the member something else.
 */
export const SECOND_MESSAGE_DETAIL =
  'the file holds more than one OpenPGP message (files joined together?): send one encrypted message per file';

/** The `malformed` detail of a file whose message is followed by bytes that are not OpenPGP. */
export const TRAILING_DATA_DETAIL =
  'data that is not OpenPGP follows the encrypted message (a damaged or joined file?)';

/** The `fields[0].path` that marks an AppError as a decryption rejection. */
export const DECRYPT_REJECTION_PATH = 'pgp';

/**
 * Builds the AppError of a rejected file: `validation_failed`, never retried (the
 * same bytes fail the same way), the reason code in `fields[0]` so that it survives
 * serialisation as problem+json.
 *
 * @example
 * throw rejectDecryption('unsigned', 'file is not signed');
 */
export function rejectDecryption(
  reason: TDecryptRejection,
  message: string,
  cause?: unknown,
): AppError {
  return new AppError('validation_failed', `PGP file rejected (${reason}): ${message}`, {
    retry: false,
    fields: [{ path: DECRYPT_REJECTION_PATH, message: reason }],
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The rejection reason carried by `error`, or undefined when it is not a decryption
 * rejection (for example an `unavailable` error that a worker should retry).
 *
 * @example
 * if (readDecryptRejection(error) === 'unknown_signer') notifyMemberKeyMissing();
 */
export function readDecryptRejection(error: unknown): TDecryptRejection | undefined {
  if (!isAppError(error) || error.code !== 'validation_failed') return undefined;
  const field = error.fields[0];
  if (field?.path !== DECRYPT_REJECTION_PATH) return undefined;
  return DECRYPT_REJECTIONS.find((reason) => reason === field.message);
}
