import { ConfigError, loadConfigFromEnvironment, type TConfig } from '@alliage/config';
import { isAppError } from '@alliage/domain';
import type { AdminBackend } from './admin-backend.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes.ts';
import { createOutput, type Output } from './output.ts';
import { selectAdminBackend } from './select-admin-backend.ts';

/** Options every command accepts. */
export interface TGlobalOptions {
  json?: boolean;
}

/** Loads the configuration or explains, naming each bad variable, why it cannot. */
export function loadConfigOrExit(output: Output): TConfig {
  try {
    return loadConfigFromEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      reportError(output, error.message, { variables: error.variables });
      process.exit(EXIT_USAGE);
    }
    throw error;
  }
}

/**
 * Runs one admin command against the chosen backend and sets the exit code:
 * the handler returns 0 or 1 (a failed check); errors map through exitCodeFor.
 */
export async function runAdminCommand(
  options: TGlobalOptions,
  handler: (backend: AdminBackend, output: Output, config: TConfig) => Promise<number | undefined>,
): Promise<void> {
  const output = createOutput(Boolean(options.json));
  const config = loadConfigOrExit(output);
  let backend: AdminBackend | null = null;
  try {
    backend = await selectAdminBackend(config);
    process.exitCode = (await handler(backend, output, config)) ?? EXIT_OK;
  } catch (error) {
    if (isAppError(error)) {
      reportError(output, error.message, { code: error.code, errors: error.fields });
    } else {
      reportError(output, 'unexpected error (see the platform log)', {});
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exitCode = isAppError(error) ? exitCodeFor(error) : EXIT_CHECK_FAILED;
  } finally {
    await backend?.close();
  }
}

/** Prints an error on stderr (JSON with --json). */
export function reportError(output: Output, message: string, extra: Record<string, unknown>): void {
  if (output.json) {
    process.stderr.write(`${JSON.stringify({ error: message, ...extra })}\n`);
    return;
  }
  process.stderr.write(`error: ${message}\n`);
  const fields = extra.errors as { path: string; message: string }[] | undefined;
  for (const field of fields ?? []) process.stderr.write(`  ${field.path}: ${field.message}\n`);
}
