import { hmacSha256Hex } from '@alliage/crypto';

/**
 * The seed of the persons' cell keys (the cell-key method of counts), derived from the
 * platform's HMAC secret under a label of its own, so it never equals another keyed
 * hash of the secret (repoussoir entries, delivery draws). Fixed for the platform: the
 * same persons always get the same keys, hence the same perturbation; unpredictable to
 * a client, who does not hold the secret. 48 bits, a safe integer bound as a parameter.
 *
 * @example
 * const cellKeySeed = deriveCellKeySeed(hmacSecret);
 */
export function deriveCellKeySeed(hmacSecret: string): number {
  // hmacSha256Hex refuses an empty secret (it would make every perturbation guessable).
  return Number.parseInt(hmacSha256Hex(hmacSecret, 'alliage.count.cell-key.v1').slice(0, 12), 16);
}
