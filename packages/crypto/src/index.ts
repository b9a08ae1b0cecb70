export type { TDecryptRejection } from './decrypt-rejection.ts';
export {
  DECRYPT_REJECTION_PATH,
  DECRYPT_REJECTIONS,
  readDecryptRejection,
} from './decrypt-rejection.ts';
export type {
  DecryptVerifiedStreamOptions,
  TDecryptEngine,
  TDecryptVerifiedStream,
  TVerifiedDecryption,
} from './decrypt-verified-stream.ts';
export {
  DEFAULT_DECRYPT_ENGINE,
  DEFAULT_RECHUNK_BYTES,
  decryptVerifiedStream,
} from './decrypt-verified-stream.ts';
export type { TGpgInstallation } from './detect-gpg.ts';
export { detectGpg } from './detect-gpg.ts';
export type { EncryptAndSignOptions, TEncryptedDelivery } from './encrypt-and-sign.ts';
export { encryptAndSign } from './encrypt-and-sign.ts';
export type { TApiToken } from './generate-api-token.ts';
export { API_TOKEN_PREFIX, generateApiToken } from './generate-api-token.ts';
export type { GeneratePgpKeyPairOptions, TPgpKeyPair } from './generate-pgp-key-pair.ts';
export { generatePgpKeyPair } from './generate-pgp-key-pair.ts';
export { generateSecret } from './generate-secret.ts';
export { generateSshHostKey } from './generate-ssh-host-key.ts';
export { hashApiToken } from './hash-api-token.ts';
export { hmacSha256Hex } from './hmac-sha256-hex.ts';
export type { InspectPgpPublicKeyOptions, TPgpPublicKeyInfo } from './inspect-pgp-public-key.ts';
export { inspectPgpPublicKey } from './inspect-pgp-public-key.ts';
export type { TSshPublicKeyInfo } from './inspect-ssh-public-key.ts';
export { inspectSshPublicKey } from './inspect-ssh-public-key.ts';
export type { SignTextOptions } from './sign-text.ts';
export { signText } from './sign-text.ts';
export { sshPublicKeyFromPrivate } from './ssh-public-key-from-private.ts';
export type { SweepOrphanGpgHomesOptions } from './sweep-orphan-gpg-homes.ts';
export { sweepOrphanGpgHomes } from './sweep-orphan-gpg-homes.ts';
export type { TEncryptedInput } from './to-binary-pgp-chunks.ts';
export type { TDecryptionKeyInput } from './unlock-decryption-keys.ts';
export { verifyApiToken } from './verify-api-token.ts';
export type { TVerifiedText, VerifySignedTextOptions } from './verify-signed-text.ts';
export { verifySignedText } from './verify-signed-text.ts';
