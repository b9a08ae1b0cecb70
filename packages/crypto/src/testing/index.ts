export type { GenerateGpgKeyOptions, GpgHome } from './gpg-home.ts';
export { createGpgHome, hasGpg } from './gpg-home.ts';
export type { GenerateSshKeyOptions, SshKeyDir, TSshKeygenKey } from './ssh-key-dir.ts';
export { createSshKeyDir, hasSshKeygen } from './ssh-key-dir.ts';
