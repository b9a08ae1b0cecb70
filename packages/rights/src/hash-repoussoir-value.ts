import { hmacSha256Hex } from '@alliage/crypto';
import type { TRepoussoirKind, TRepoussoirValue } from '@alliage/domain';
import { repoussoirKey } from '@alliage/normalize';

/**
 * Normalises one contact point with `repoussoirKey` (exactly as member data) and hashes it
 * with the platform HMAC secret; when it cannot be normalised, says why without the value.
 *
 * @example
 * hashRepoussoirValue(secret, { kind: 'phone', value: '06.12.34.56.78' })
 * // { ok: true, kind: 'phone', hmac: '…64 hex…' }
 */
export function hashRepoussoirValue(
  hmacSecret: string,
  entry: TRepoussoirValue,
): { ok: true; kind: TRepoussoirKind; hmac: string } | { ok: false; reason: string } {
  const key = repoussoirKey(entry.kind, entry.value);
  if (!key.ok) return { ok: false, reason: key.reason };
  return { ok: true, kind: entry.kind, hmac: hmacSha256Hex(hmacSecret, key.value) };
}
