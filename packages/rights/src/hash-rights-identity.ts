import { rightsIdentityValues, type TRightsIdentity } from '@alliage/domain';
import { hashRepoussoirValues } from './hash-repoussoir-values.ts';

/**
 * The keyed hashes of an identity's contact points, normalised and hashed exactly as
 * repoussoir entries and member records are (one code path: `hashRepoussoirValues`).
 * A value that cannot be normalised throws `validation_failed` naming `identity.<kind>`.
 *
 * @example
 * hashRightsIdentity(secret, { email: 'A@B.fr' }) // [{ kind: 'email', hmac: '…' }]
 */
export function hashRightsIdentity(
  hmacSecret: string,
  identity: TRightsIdentity,
): { kind: 'email' | 'phone' | 'postal'; hmac: string }[] {
  const values = rightsIdentityValues(identity);
  return hashRepoussoirValues(hmacSecret, values, (index) => `identity.${values[index]?.kind}`);
}
