import {
  SECOND_MESSAGE_DETAIL,
  type TDecryptRejection,
  TRAILING_DATA_DETAIL,
} from './decrypt-rejection.ts';

export interface InterpretGpgStatusOptions {
  /** Lines gpg wrote to `--status-fd`, `[GNUPG:] KEYWORD args...`. */
  statusLines: string[];
  /** gpg's exit code; null when it was killed. */
  exitCode: number | null;
  /** Upper-case primary-key fingerprints allowed to sign. */
  allowedFingerprints: string[];
}

export type TGpgVerdict =
  | { ok: true; signerFingerprint: string }
  /** `gpg_failure`: the platform's side failed (gpg-agent), not the file: retry. */
  | { ok: false; reason: TDecryptRejection | 'gpg_failure'; message: string };

interface TSignatureBlock {
  keywords: Set<string>;
  /** ERRSIG: key ID and return code (9 = no public key). */
  errorKeyId?: string;
  errorCode?: string;
  /** VALIDSIG: fingerprint of the primary key that made the signature. */
  primaryFingerprint?: string;
}

// libgpg-error codes (low 16 bits): BAD_PASSPHRASE, NO_PIN_ENTRY, PIN_ENTRY, CANCELED,
// ASS_CONNECT_FAILED.
const AGENT_ERROR_CODES = new Set([11, 85, 86, 99, 257]);
// After the first message's END_DECRYPTION, these say that more input followed: another
// message (its session keys, data, signature, or gpg's error on a second plaintext) or
// bytes that are no OpenPGP packet (NODATA, UNEXPECTED).
const AFTER_MESSAGE_KEYWORDS = new Set([
  'ENC_TO',
  'NEED_PASSPHRASE_SYM',
  'BEGIN_DECRYPTION',
  'PLAINTEXT',
  'NEWSIG',
  'ERROR',
  'NODATA',
  'UNEXPECTED',
]);
const SIGNATURE_KEYWORDS = new Set([
  'GOODSIG',
  'BADSIG',
  'EXPSIG',
  'EXPKEYSIG',
  'REVKEYSIG',
  'ERRSIG',
  'VALIDSIG',
]);

/**
 * Decides, from gpg's machine-readable status (doc/DETAILS in GnuPG), whether a
 * decryption is accepted: decrypted with a platform key, integrity checked
 * (DECRYPTION_OKAY only comes after the MDC matched), and at least one good
 * signature by an allowed key with no bad one, and nothing after the message. Never
 * reads gpg's human messages.
 *
 * @example
 * const verdict = interpretGpgStatus({ statusLines, exitCode: 0, allowedFingerprints: [memberFpr] });
 */
export function interpretGpgStatus(options: InterpretGpgStatusOptions): TGpgVerdict {
  const records = options.statusLines
    .filter((line) => line.startsWith('[GNUPG:] '))
    .map((line) => line.slice('[GNUPG:] '.length).split(' '));
  const has = (keyword: string): boolean => records.some(([first]) => first === keyword);
  const argsOf = (keyword: string): string[][] =>
    records.filter(([first]) => first === keyword).map((record) => record.slice(1));
  const reject = (reason: TDecryptRejection | 'gpg_failure', message: string): TGpgVerdict => ({
    ok: false,
    reason,
    message,
  });

  // gpg reads on after the first message: whatever it said about a second one (a bad
  // signature, a failed decryption) would name the wrong problem.
  const firstEnd = records.findIndex(([keyword]) => keyword === 'END_DECRYPTION');
  const [followedBy] =
    firstEnd === -1
      ? []
      : (records
          .slice(firstEnd + 1)
          .find(([keyword = '']) => AFTER_MESSAGE_KEYWORDS.has(keyword)) ?? []);
  if (followedBy !== undefined) {
    const notOpenpgp = followedBy === 'NODATA' || followedBy === 'UNEXPECTED';
    return reject('malformed', notOpenpgp ? TRAILING_DATA_DETAIL : SECOND_MESSAGE_DETAIL);
  }

  const recipients = argsOf('ENC_TO').map(([keyId = '']) => keyId);
  if (!has('BEGIN_DECRYPTION') && recipients.length === 0 && !has('NEED_PASSPHRASE_SYM')) {
    if (has('PLAINTEXT') || has('NEWSIG')) {
      return reject('not_encrypted', 'the file is not encrypted (plain or signed data)');
    }
    return reject('malformed', 'not a readable OpenPGP message');
  }
  if (!has('DECRYPTION_KEY')) {
    const missing = new Set(argsOf('NO_SECKEY').map(([keyId = '']) => keyId));
    if (recipients.length > 0 && recipients.every((keyId) => missing.has(keyId))) {
      return reject(
        'wrong_recipient',
        `the file is encrypted to key ID ${recipients.join(', ')}, not to the platform key`,
      );
    }
    if (recipients.length === 0) {
      return reject(
        'wrong_recipient',
        'the file is encrypted with a passphrase, not to the platform key',
      );
    }
  }
  // The agent could not unlock the platform key (it is protected with a passphrase
  // we hand it ourselves) or could not be reached: the platform's fault, whatever the file.
  const agentFailed = argsOf('ERROR').some(
    ([where, code]) => where === 'pkdecrypt_failed' && AGENT_ERROR_CODES.has(Number(code) & 0xffff),
  );
  if (!has('DECRYPTION_KEY') && agentFailed) {
    return reject('gpg_failure', 'gpg-agent could not unlock the platform key');
  }
  const blocks = readSignatureBlocks(records);
  // Addressed to a platform key but no DECRYPTION_OKAY: a bad session key, a failed
  // MDC, data that broke before it (a corrupt compressed stream), or a BADSIG, after
  // which gpg stops without checking the MDC. A flipped byte that still decompresses
  // ends there, and it is an altered file like the others: one answer for all, as
  // the openpgp engine gives (which also avoids a padding oracle on RSA keys).
  if (!has('DECRYPTION_OKAY') || has('DECRYPTION_FAILED')) {
    if (argsOf('DECRYPTION_INFO').some(([mdcMethod]) => mdcMethod === '0')) {
      return reject(
        'integrity',
        'the data is encrypted without integrity protection (no MDC); re-encrypt with a current GnuPG',
      );
    }
    if (blocks.some((block) => block.keywords.has('BADSIG'))) {
      return reject('integrity', 'the file was altered: its signature does not match its content');
    }
    return reject(
      'integrity',
      'the integrity check (MDC) failed: the file was altered or truncated',
    );
  }

  if (blocks.length === 0) return reject('unsigned', 'the file is encrypted but not signed');
  if (blocks.some((block) => block.keywords.has('BADSIG'))) {
    return reject('bad_signature', 'a signature does not match the file content');
  }
  if (blocks.some((block) => block.keywords.has('EXPKEYSIG') || block.keywords.has('REVKEYSIG'))) {
    return reject('bad_signature', 'the signing key has expired or was revoked');
  }
  if (blocks.some((block) => block.keywords.has('EXPSIG'))) {
    return reject('bad_signature', 'the signature has expired');
  }
  const allowed = new Set(
    options.allowedFingerprints.map((fingerprint) => fingerprint.toUpperCase()),
  );
  const signer = blocks.find(
    (block) =>
      block.keywords.has('GOODSIG') &&
      block.primaryFingerprint !== undefined &&
      allowed.has(block.primaryFingerprint),
  );
  if (signer?.primaryFingerprint) {
    if (options.exitCode !== 0) {
      return reject('malformed', `gpg reported an error (exit ${options.exitCode})`);
    }
    return { ok: true, signerFingerprint: signer.primaryFingerprint };
  }
  const unverifiable = blocks.find(
    (block) => block.keywords.has('ERRSIG') && block.errorCode !== '9',
  );
  if (unverifiable) {
    return reject('bad_signature', 'a signature cannot be checked (unsupported algorithm?)');
  }
  const signers = blocks.map((block) => block.primaryFingerprint ?? block.errorKeyId ?? '?');
  return reject(
    'unknown_signer',
    `signed by key ${signers.join(', ')}, which is not registered for this member`,
  );
}

/** Groups signature status lines per signature: NEWSIG opens each one. */
function readSignatureBlocks(records: string[][]): TSignatureBlock[] {
  const blocks: TSignatureBlock[] = [];
  let current: TSignatureBlock | undefined;
  for (const [keyword = '', ...args] of records) {
    if (keyword === 'NEWSIG') {
      current = { keywords: new Set() };
      blocks.push(current);
      continue;
    }
    if (!SIGNATURE_KEYWORDS.has(keyword)) continue;
    if (!current) {
      current = { keywords: new Set() };
      blocks.push(current);
    }
    current.keywords.add(keyword);
    if (keyword === 'ERRSIG') {
      current.errorKeyId = args[0];
      current.errorCode = args[5];
    }
    if (keyword === 'VALIDSIG') {
      // The 10th argument is the primary key's fingerprint (the first the signing subkey's).
      current.primaryFingerprint = (args[9] ?? args[0])?.toUpperCase();
    }
  }
  return blocks;
}
