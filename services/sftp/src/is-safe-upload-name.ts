/**
 * A plain ASCII name that starts with a letter or digit (so never hidden, never an
 * option-looking `-x`), then letters, digits, `.`, `_` or `-`, at most 128 characters.
 * Names travel into events, queue payloads and operators' shells, so they stay boring.
 */
const SAFE_UPLOAD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `name` may be used for a file dropped in `in/`. */
export function isSafeUploadName(name: string): boolean {
  return SAFE_UPLOAD_NAME.test(name) && !name.includes('..');
}
