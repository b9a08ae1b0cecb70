import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type ControlContext,
  registerFileDrop,
  SYSTEM_ACTOR,
  type TFileDrop,
} from '@alliage/control';
import type { GpgHome } from '@alliage/crypto/testing';

/**
 * Encrypts `clear` to `recipient` with the real `gpg` (signed by `signer` unless null),
 * as a member would, writes it into `<sftpRoot>/<member>/in/` and registers the drop.
 *
 * @example
 * const { registered } = await registerGpgDrop({ ctx, gpg, sftpRoot, member: 'M01', fileName, clear, recipient, signer });
 */
export async function registerGpgDrop(options: {
  ctx: ControlContext;
  gpg: GpgHome;
  sftpRoot: string;
  member: string;
  fileName: string;
  clear: string | Buffer;
  recipient: string;
  signer: string | null;
  armour?: boolean;
}): Promise<{ registered: TFileDrop; target: string; member: string }> {
  const inbox = path.join(options.sftpRoot, options.member, 'in');
  mkdirSync(inbox, { recursive: true });
  const target = path.join(inbox, options.fileName);
  const args = ['--trust-model', 'always', '--encrypt', '-r', options.recipient];
  if (options.signer) args.push('--sign', '-u', options.signer);
  if (options.armour) args.push('--armor');
  const encrypted = options.gpg.run([...args, '--output', '-'], options.clear);
  writeFileSync(target, encrypted);
  const registered = await registerFileDrop(
    options.ctx,
    SYSTEM_ACTOR,
    {
      organisationCode: options.member,
      fileName: options.fileName,
      source: 'sftp',
      sizeBytes: encrypted.length,
      sha256: createHash('sha256').update(encrypted).digest('hex'),
      storagePath: target,
    },
    async () => {},
  );
  return { registered, target, member: options.member };
}
