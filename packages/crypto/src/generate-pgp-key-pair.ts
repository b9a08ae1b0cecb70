import { AppError } from '@alliage/domain';
import { generateKey } from 'openpgp';

export interface GeneratePgpKeyPairOptions {
  name: string;
  email: string;
  /** Encrypts the private key when given; the armoured private key is then useless without it. */
  passphrase?: string;
}

export interface TPgpKeyPair {
  armoredPrivateKey: string;
  armoredPublicKey: string;
  /** Upper-case hex fingerprint of the primary key. */
  fingerprint: string;
}

/**
 * Generates an OpenPGP v4 key pair (Ed25519 signing primary, Cv25519 encryption
 * subkey, no expiry) that GnuPG 2.2 reads.
 *
 * @example
 * const { armoredPublicKey, fingerprint } = await generatePgpKeyPair({ name: 'Alliage platform', email: 'platform@alliage.invalid' });
 */
export async function generatePgpKeyPair(options: GeneratePgpKeyPairOptions): Promise<TPgpKeyPair> {
  const name = options.name.trim();
  const email = options.email.trim();
  if (name === '') throw new AppError('validation_failed', 'PGP key pair: name is empty');
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(email)) {
    throw new AppError('validation_failed', 'PGP key pair: email is not a valid address');
  }
  if (options.passphrase === '') {
    throw new AppError('validation_failed', 'PGP key pair: passphrase is empty (omit it instead)');
  }
  // type 'ecc' + curve 'ed25519Legacy' gives EdDSA (22) + ECDH/curve25519 (18),
  // the algorithms GnuPG 2.2 knows. openpgp v6's `type: 'curve25519'` would give
  // the RFC 9580 Ed25519/X25519 algorithms (27/25), which GnuPG 2.2 cannot read,
  // and `v6Keys: true` a v6 key. `aeadProtect` would protect the secret key with
  // AEAD, which GnuPG 2.2 cannot unlock. All pinned here, whatever the global config.
  const pair = await generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name, email }],
    ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
    subkeys: [{ type: 'ecc', curve: 'curve25519Legacy' }],
    format: 'object',
    config: { v6Keys: false, aeadProtect: false },
  });
  return {
    armoredPrivateKey: pair.privateKey.armor(),
    armoredPublicKey: pair.publicKey.armor(),
    fingerprint: pair.publicKey.getFingerprint().toUpperCase(),
  };
}
