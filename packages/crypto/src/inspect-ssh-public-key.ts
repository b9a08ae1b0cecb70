import { createHash, createPublicKey } from 'node:crypto';
import { AppError } from '@alliage/domain';
import ssh2 from 'ssh2';

export interface TSshPublicKeyInfo {
  /** 'SHA256:<unpadded base64>', exactly as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** Key type as written in the key: 'ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256'... */
  algorithm: string;
  /** Key size as `ssh-keygen -l` reports it (RSA modulus bits, 256 for Ed25519). */
  bits: number | null;
  comment: string | null;
  /** Normalised single line 'type base64', without the comment. */
  openssh: string;
}

const MIN_RSA_BITS = 2048;

const FIXED_BITS: Record<string, number> = {
  'ssh-ed25519': 256,
  'ecdsa-sha2-nistp256': 256,
  'ecdsa-sha2-nistp384': 384,
  'ecdsa-sha2-nistp521': 521,
};

const KEY_LINE = /^(\S+)\s+([A-Za-z0-9+/]+={0,2})(?:\s+(.*))?$/;

/**
 * Parses one OpenSSH public key line (an `id_*.pub` file) and checks it against
 * platform policy: no private keys, certificates, DSA or RSA below 2048 bits.
 *
 * @example
 * const { fingerprint, openssh } = inspectSshPublicKey('ssh-ed25519 AAAAC3Nza... alice@laptop');
 */
export function inspectSshPublicKey(text: string): TSshPublicKeyInfo {
  if (typeof text !== 'string') throw invalid('must be text');
  if (/PRIVATE KEY-----|PuTTY-User-Key-File/.test(text)) {
    throw invalid('is a private key; send only the public key (the .pub file)');
  }
  if (text.includes('---- BEGIN SSH2 PUBLIC KEY ----')) {
    throw invalid(
      'is in RFC 4716 (SSH2) format; convert it to one OpenSSH line with ssh-keygen -i -f <file>',
    );
  }
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length === 0) throw invalid('is empty');
  if (lines.length > 1) throw invalid(`holds ${lines.length} lines; send exactly one key`);

  const match = KEY_LINE.exec(lines[0]!);
  if (!match) throw invalid("is malformed: expected one line 'type base64 [comment]'");
  const [, algorithm = '', base64 = '', comment = ''] = match;
  checkType(algorithm);

  const blob = Buffer.from(base64, 'base64');
  if (blob.toString('base64').replace(/=+$/, '') !== base64.replace(/=+$/, '')) {
    throw invalid('is malformed: the key data is not valid base64');
  }
  if (readFirstString(blob) !== algorithm) {
    throw invalid('is malformed: the key data does not match its type');
  }
  const parsed = ssh2.utils.parseKey(`${algorithm} ${base64}`);
  if (parsed instanceof Error || Array.isArray(parsed)) {
    throw invalid('is malformed: the key data cannot be parsed', parsed);
  }
  // ssh2 rebuilds the blob from the fields it read: a difference means trailing
  // bytes or non-canonical fields, which would make our fingerprint disagree with ssh-keygen's.
  if (!parsed.getPublicSSH().equals(blob)) {
    throw invalid('is malformed: the key data has unexpected content');
  }

  let bits: number | null;
  try {
    const details = createPublicKey(parsed.getPublicPEM()).asymmetricKeyDetails;
    bits =
      algorithm === 'ssh-rsa' ? (details?.modulusLength ?? null) : (FIXED_BITS[algorithm] ?? null);
  } catch (error) {
    throw invalid('is malformed: the key is not a valid public key', error);
  }
  if (algorithm === 'ssh-rsa' && (bits === null || bits < MIN_RSA_BITS)) {
    throw invalid(`is RSA-${bits ?? '?'}; at least ${MIN_RSA_BITS} bits are required`);
  }

  const digest = createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
  return {
    fingerprint: `SHA256:${digest}`,
    algorithm,
    bits,
    comment: comment.trim() === '' ? null : comment.trim(),
    openssh: `${algorithm} ${blob.toString('base64')}`,
  };
}

function checkType(algorithm: string): void {
  if (algorithm === 'ssh-dss') {
    throw invalid('is a DSA (ssh-dss) key, which OpenSSH no longer accepts; use ed25519');
  }
  if (algorithm.includes('-cert-v0')) {
    throw invalid('is an SSH certificate; send the plain public key');
  }
  if (!(algorithm === 'ssh-rsa' || algorithm in FIXED_BITS)) {
    // The type is echoed only when it looks like one, never arbitrary input.
    const shown = /^[a-z0-9.@-]{1,64}$/.test(algorithm) ? ` ${algorithm}` : '';
    throw invalid(
      `has the unsupported type${shown}; use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa`,
    );
  }
}

/** The first SSH wire-format string of a key blob (its type), or null. */
function readFirstString(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const length = blob.readUInt32BE(0);
  if (length > blob.length - 4) return null;
  return blob.subarray(4, 4 + length).toString('latin1');
}

function invalid(what: string, cause?: unknown): AppError {
  return new AppError('validation_failed', `SSH public key ${what}`, { cause });
}
