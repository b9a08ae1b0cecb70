import { ConfigError, loadConfigFromEnvironment, type TConfig } from '@alliage/config';
import { isAppError } from '@alliage/domain';
import type { AdminBackend } from './admin-backend.ts';
import { decideDataDirUse, readDataDirState, type TCommandAccess } from './data-dir-state.ts';
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
 * A `read` command refuses a data directory without an embedded platform, and any
 * command that opens a data directory for the first time says so on stderr
 * (`decideDataDirUse`): a mistyped ALLIAGE_DATA_DIR must not go unnoticed.
 */
export async function runAdminCommand(
  options: TGlobalOptions,
  handler: (backend: AdminBackend, output: Output, config: TConfig) => Promise<number | undefined>,
  access: TCommandAccess = 'write',
): Promise<void> {
  const output = createOutput(Boolean(options.json));
  const config = loadConfigOrExit(output);
  const decision = decideDataDirUse(readDataDirState(config.dataDir, config.databaseUrl), access);
  if (decision.action === 'refuse') {
    reportError(output, decision.reason, { code: 'no_platform', dataDir: config.dataDir });
    process.exitCode = EXIT_USAGE;
    return;
  }
  let backend: AdminBackend | null = null;
  try {
    backend = await selectAdminBackend(config);
    if (decision.notice) reportNotice(output, decision.notice, { dataDir: config.dataDir });
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

/**
 * `runAdminCommand` for a command that only reads the platform: it refuses a data
 * directory without an embedded platform instead of creating one there.
 */
export function runReadCommand(
  options: TGlobalOptions,
  handler: (backend: AdminBackend, output: Output, config: TConfig) => Promise<number | undefined>,
): Promise<void> {
  return runAdminCommand(options, handler, 'read');
}

/** Prints a notice on stderr (JSON with --json): something the operator should know, not an error. */
function reportNotice(output: Output, message: string, extra: Record<string, unknown>): void {
  process.stderr.write(
    output.json ? `${JSON.stringify({ notice: message, ...extra })}\n` : `notice: ${message}\n`,
  );
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

/**
 * Reports the failure of a command that runs without `runAdminCommand` (it opens the
 * platform itself) and sets its exit code: a missing or wrong `--option` is a usage error.
 */
export function reportCommandFailure(output: Output, error: unknown, fallback: string): void {
  reportError(output, isAppError(error) ? error.message : fallback, {
    ...(isAppError(error) ? { code: error.code, errors: error.fields } : {}),
  });
  if (!isAppError(error)) {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exitCode = isAppError(error)
    ? error.code === 'validation_failed' && error.fields?.[0]?.path.startsWith('--')
      ? EXIT_USAGE
      : exitCodeFor(error)
    : EXIT_CHECK_FAILED;
}
