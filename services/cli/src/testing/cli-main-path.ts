import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `alliage` entry point (TypeScript, run directly by Node 24's type stripping). */
export const CLI_MAIN_PATH = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'main.ts',
);
