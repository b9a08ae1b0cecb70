export type { BuildNestedCompressionBombOptions } from './build-nested-compression-bomb.ts';
export { buildNestedCompressionBomb } from './build-nested-compression-bomb.ts';
export type { EncryptRawPgpPacketsOptions } from './encrypt-raw-pgp-packets.ts';
export { encryptRawPgpPackets, packetHeader } from './encrypt-raw-pgp-packets.ts';
export { generateSyntheticCsv } from './generate-synthetic-csv.ts';
export type { GenerateGpgKeyOptions, GpgHome } from './gpg-home.ts';
export { createGpgHome, hasGpg } from './gpg-home.ts';
export type { GenerateSshKeyOptions, SshKeyDir, TSshKeygenKey } from './ssh-key-dir.ts';
export { createSshKeyDir, hasSshKeygen } from './ssh-key-dir.ts';
