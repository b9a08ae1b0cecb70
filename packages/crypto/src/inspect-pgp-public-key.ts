import { AppError } from '@alliage/domain';
import { type AlgorithmInfo, type Key, readKeys, type Subkey } from 'openpgp';

export interface InspectPgpPublicKeyOptions {
  /** Reference date for expiry and revocation checks (default: now). */
  now?: Date;
}

export interface TPgpPublicKeyInfo {
  /** Upper-case hex fingerprint of the primary key (40 characters). */
  fingerprint: string;
  /** Upper-case hex long key ID of the primary key (16 characters). */
  keyId: string;
  /** Primary key algorithm family. */
  algorithm: 'rsa' | 'ecdsa' | 'eddsa';
  /** Modulus size for RSA, null for elliptic curves. */
  bits: number | null;
  /** Curve of the primary key as GnuPG names it ('ed25519', 'nistp256'...), null for RSA. */
  curve: string | null;
  version: 4 | 6;
  /** When the key stops being usable for encryption (primary or encryption subkey expiry), null if never. */
  expiresAt: Date | null;
  userIds: string[];
}

const MIN_FINITE_FIELD_BITS = 2048;

// openpgp names the legacy curves 'ed25519Legacy' / 'curve25519Legacy'; operators
// compare with `gpg --list-keys`, which says ed25519 / cv25519.
const GNUPG_CURVE_NAMES: Record<string, string> = {
  ed25519Legacy: 'ed25519',
  curve25519Legacy: 'cv25519',
  nistP256: 'nistp256',
  nistP384: 'nistp384',
  nistP521: 'nistp521',
};

const RFC9580_ALGORITHMS = new Set([
  'ed25519',
  'x25519',
  'ed448',
  'x448',
  'pqc_mlkem_x25519',
  'pqc_mldsa_ed25519',
]);

/**
 * Parses one OpenPGP public key (armoured text or binary) and checks it against
 * platform policy: a valid, unrevoked, unexpired v4 key that GnuPG 2.2 reads, with
 * strong algorithms and a key that can encrypt. Throws `validation_failed` otherwise.
 *
 * @example
 * const { fingerprint, expiresAt } = await inspectPgpPublicKey(armoredPublicKey);
 */
export async function inspectPgpPublicKey(
  armoredOrBinary: string | Uint8Array,
  options: InspectPgpPublicKeyOptions = {},
): Promise<TPgpPublicKeyInfo> {
  const now = options.now ?? new Date();
  const key = await readOneKey(armoredOrBinary);
  if (key.isPrivate()) {
    throw invalid('is a private key; send only the public key (gpg --armor --export)');
  }
  if (key.keyPacket.version === 6) {
    throw invalid(
      'is an OpenPGP v6 key, which GnuPG 2.2 clients cannot read; platform policy is v4 keys',
    );
  }
  if (key.keyPacket.version !== 4) {
    throw invalid(`is an OpenPGP v${key.keyPacket.version} key; platform policy is v4 keys`);
  }
  const primaryInfo = key.getAlgorithmInfo();
  checkAlgorithm(primaryInfo, 'primary key');

  if (await key.isRevoked(undefined, undefined, now)) throw invalid('is revoked');
  const primaryExpiry = await key.getExpirationTime();
  if (primaryExpiry === null) throw invalid('has no valid self-signature');
  if (primaryExpiry instanceof Date && primaryExpiry.getTime() <= now.getTime()) {
    throw invalid(`expired on ${primaryExpiry.toISOString().slice(0, 10)}`);
  }
  try {
    await key.verifyPrimaryKey(now);
  } catch (error) {
    throw invalid('has no valid self-signature at this date', error);
  }

  // Revoked, expired or unbound subkeys are dead weight, not a risk: only the
  // usable ones must meet the algorithm policy.
  for (const subkey of key.subkeys) {
    if (await isUsableSubkey(subkey, now)) checkAlgorithm(subkey.getAlgorithmInfo(), 'subkey');
  }

  let encryptionKey: Key | Subkey;
  try {
    encryptionKey = await key.getEncryptionKey(undefined, now);
  } catch (error) {
    throw invalid(
      'has no valid encryption-capable key or subkey; add one (e.g. gpg --quick-add-key <fingerprint> cv25519 encr)',
      error,
    );
  }
  const encryptionExpiry =
    encryptionKey === key ? primaryExpiry : await (encryptionKey as Subkey).getExpirationTime(now);

  const curve = primaryInfo.curve ?? null;
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    keyId: key.getKeyID().toHex().toUpperCase(),
    algorithm: primaryFamily(primaryInfo),
    bits: curve === null ? (primaryInfo.bits ?? null) : null,
    curve: curve === null ? null : (GNUPG_CURVE_NAMES[curve] ?? curve),
    version: 4,
    expiresAt: earliestDate(primaryExpiry, encryptionExpiry),
    userIds: key.getUserIDs(),
  };
}

async function readOneKey(armoredOrBinary: string | Uint8Array): Promise<Key> {
  let keys: Key[];
  try {
    const text =
      typeof armoredOrBinary === 'string' ? armoredOrBinary : asArmoredText(armoredOrBinary);
    if (text !== null && /-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(text)) {
      throw invalid('is a private key; send only the public key (gpg --armor --export)');
    }
    keys =
      text === null
        ? await readKeys({ binaryKeys: armoredOrBinary as Uint8Array })
        : await readKeys({ armoredKeys: text });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalid('is malformed: expected one OpenPGP public key, armoured or binary', error);
  }
  if (keys.length !== 1) {
    throw invalid(`holds ${keys.length} keys; send exactly one`);
  }
  return keys[0]!;
}

/** Bytes that are really ASCII armour (a .asc file read as a Buffer) are read as text. */
function asArmoredText(bytes: Uint8Array): string | null {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  return head.startsWith('-----BEGIN') ? new TextDecoder().decode(bytes) : null;
}

function checkAlgorithm(info: AlgorithmInfo, role: 'primary key' | 'subkey'): void {
  const { algorithm, bits } = info;
  if (RFC9580_ALGORITHMS.has(algorithm)) {
    throw invalid(
      `${role} uses the RFC 9580 ${algorithm} algorithm, which GnuPG 2.2 clients cannot read; platform policy is v4 keys with ed25519/cv25519 or RSA`,
    );
  }
  const family = algorithm.startsWith('rsa')
    ? 'RSA'
    : algorithm === 'dsa'
      ? 'DSA'
      : algorithm === 'elgamal'
        ? 'ElGamal'
        : null;
  if (family !== null && (bits === undefined || bits < MIN_FINITE_FIELD_BITS)) {
    throw invalid(
      `${role} is ${family}-${bits ?? '?'}; at least ${MIN_FINITE_FIELD_BITS} bits are required`,
    );
  }
  // openpgp (which encrypts deliveries and verifies member signatures) refuses DSA
  // and ElGamal at any size by default, so such a key would be accepted here and
  // then fail at the first file.
  if (family === 'DSA' || family === 'ElGamal') {
    throw invalid(
      `${role} is ${family}, which the platform cannot use; use ed25519/cv25519 or RSA of at least ${MIN_FINITE_FIELD_BITS} bits`,
    );
  }
  if (family === null && !['ecdsa', 'eddsaLegacy', 'ecdh'].includes(algorithm)) {
    throw invalid(`${role} uses the unsupported ${algorithm} algorithm`);
  }
  if (info.curve === 'secp256k1') {
    throw invalid(`${role} uses the secp256k1 curve, which the platform cannot use`);
  }
}

function primaryFamily(info: AlgorithmInfo): TPgpPublicKeyInfo['algorithm'] {
  if (info.algorithm === 'eddsaLegacy') return 'eddsa';
  if (info.algorithm === 'ecdsa') return 'ecdsa';
  if (info.algorithm.startsWith('rsa')) return 'rsa';
  // checkAlgorithm only lets RSA, ECDSA and EdDSA primaries through.
  throw invalid(`primary key uses the ${info.algorithm} algorithm, which cannot sign`);
}

async function isUsableSubkey(subkey: Subkey, now: Date): Promise<boolean> {
  try {
    await subkey.verify(now);
    return true;
  } catch {
    return false;
  }
}

function earliestDate(...expiries: (Date | number | null)[]): Date | null {
  const times = expiries
    .map((expiry) => (expiry instanceof Date ? expiry.getTime() : null))
    .filter((time): time is number => time !== null);
  return times.length === 0 ? null : new Date(Math.min(...times));
}

function invalid(what: string, cause?: unknown): AppError {
  return new AppError('validation_failed', `PGP public key ${what}`, { cause });
}
