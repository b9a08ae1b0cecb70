import { hmacSha256Hex } from '@alliage/crypto';

/**
 * The check value the control plane keeps of the platform's HMAC secret
 * (`checkPlatformSecret`): an HMAC of a constant under it, from which the secret cannot
 * be found back.
 *
 * @example
 * await checkPlatformSecret(ctx, { name: 'hmac', checkValue: hmacSecretCheckValue(secrets.hmacSecret) });
 */
export function hmacSecretCheckValue(hmacSecret: string): string {
  return hmacSha256Hex(hmacSecret, 'alliage/hmac-secret-check/v1');
}
