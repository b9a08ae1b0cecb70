import { readFileSync } from 'node:fs';
import type { TSector } from '@alliage/domain';
import { createHttpAdminBackend } from '../http-admin-backend.ts';
import { runCli } from './run-cli.ts';
import type { TServe } from './start-serve.ts';

/**
 * An operator's way into a running `serve` for a test's set-up: one `alliage token
 * create --role operator` process (the local operator credential only the data
 * directory's holder reads), then serve's HTTP API through the client the CLI itself
 * uses. Set-ups register through it instead of one `alliage` process per step (the
 * commands themselves are tested in cli-embedded and register-cli).
 *
 * @example
 * const admin = await operatorOverHttp(serve, env, 'intake e2e');
 * await registerMemberOverHttp(admin, { code: 'M01', sector: 'automobile', sshPublicKeyFile, pgpPublicKey });
 */
export async function operatorOverHttp(
  serve: TServe,
  env: Record<string, string>,
  name: string,
): Promise<{ admin: ReturnType<typeof createHttpAdminBackend>; token: string }> {
  const created = await runCli(
    ['token', 'create', '--role', 'operator', '--name', name, '--json'],
    env,
  );
  if (created.code !== 0) throw new Error(`alliage token create failed: ${created.stderr}`);
  const { token } = JSON.parse(created.stdout) as { token: string };
  return { admin: createHttpAdminBackend(serve.url, token), token };
}

/**
 * Registers a member with its SSH key (to log in over SFTP) and its PGP key (to sign
 * its files) through serve's HTTP API.
 *
 * @example
 * await registerMemberOverHttp(admin, { code: 'M01', sector: 'automobile', sshPublicKeyFile: `${key}.pub`, pgpPublicKey });
 */
export async function registerMemberOverHttp(
  admin: ReturnType<typeof createHttpAdminBackend>,
  member: { code: string; sector: TSector; sshPublicKeyFile: string; pgpPublicKey: string },
): Promise<void> {
  await admin.addOrganisation({
    code: member.code,
    name: `Member ${member.code}`,
    kind: 'member',
    sector: member.sector,
    contractStart: null,
    contractEnd: null,
  });
  await admin.addKey({
    organisationCode: member.code,
    keyType: 'ssh',
    publicKey: readFileSync(member.sshPublicKeyFile, 'utf8'),
  });
  await admin.addKey({
    organisationCode: member.code,
    keyType: 'pgp',
    publicKey: member.pgpPublicKey,
  });
}
