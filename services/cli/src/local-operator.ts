import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  authenticateApiToken,
  type ControlContext,
  createApiToken,
  createPrincipal,
  SYSTEM_ACTOR,
} from '@alliage/control';

const TOKEN_FILE = 'operator.token';

/** Path of the local operator credential in the data directory. */
export function localOperatorTokenPath(dataDir: string): string {
  return path.join(dataDir, 'secrets', TOKEN_FILE);
}

/** Reads the local operator token, or null when `serve` has not created one. */
export function readLocalOperatorToken(dataDir: string): string | null {
  const file = localOperatorTokenPath(dataDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/**
 * Makes sure the data directory holds a working operator token (0600) that the
 * CLI uses to reach a running `serve` over HTTP instead of opening PGlite twice.
 */
export async function ensureLocalOperatorToken(
  ctx: ControlContext,
  dataDir: string,
): Promise<void> {
  const existing = readLocalOperatorToken(dataDir);
  if (existing && (await authenticateApiToken(ctx, existing)).ok) return;
  const principal = await createPrincipal(ctx, SYSTEM_ACTOR, {
    name: 'local-operator (CLI credential)',
    role: 'operator',
    organisationCode: null,
  });
  const { token } = await createApiToken(ctx, SYSTEM_ACTOR, {
    principalId: principal.id,
    name: 'local CLI',
    expiresInDays: null,
  });
  const file = localOperatorTokenPath(dataDir);
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
