import path from 'node:path';
import {
  authenticateApiToken,
  type ControlContext,
  createApiToken,
  createPrincipal,
  SYSTEM_ACTOR,
} from '@alliage/control';
import type { TSecretWarn } from './log-secret-warning.ts';
import { readSecretFile } from './read-secret-file.ts';
import { writeSecretFile } from './write-secret-file.ts';

const TOKEN_FILE = 'operator.token';

/** Path of the local operator credential in the data directory. */
export function localOperatorTokenPath(dataDir: string): string {
  return path.join(dataDir, 'secrets', TOKEN_FILE);
}

/**
 * Reads the local operator token, or null when `serve` has not created one. Like every
 * secret, a token others may read is tightened to 0600 with a warning.
 *
 * @example
 * const token = readLocalOperatorToken('/var/lib/alliage');
 */
export function readLocalOperatorToken(
  dataDir: string,
  options: { warn?: TSecretWarn } = {},
): string | null {
  try {
    return readSecretFile(localOperatorTokenPath(dataDir), options).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Makes sure the data directory holds a working operator token (0600) that the
 * CLI uses to reach a running `serve` over HTTP instead of opening PGlite twice.
 *
 * @example
 * await ensureLocalOperatorToken(platform.ctx, config.dataDir);
 */
export async function ensureLocalOperatorToken(
  ctx: ControlContext,
  dataDir: string,
  options: { warn?: TSecretWarn } = {},
): Promise<void> {
  const existing = readLocalOperatorToken(dataDir, options);
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
  // Replaces a token that no longer works; a CLI reading meanwhile sees the old or the new one.
  writeSecretFile(localOperatorTokenPath(dataDir), `${token}\n`, { replace: true });
}
