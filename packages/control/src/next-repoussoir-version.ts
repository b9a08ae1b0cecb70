import { sql, type Transaction } from 'kysely';
import { RepoussoirImportApplying } from './repoussoir-import-lock.ts';
import type { ControlSchema } from './schema.ts';

/**
 * Takes the next repoussoir version inside `trx`, for the entries the change adds or
 * withdraws. The state row stays locked until `trx` ends, so a concurrent change waits
 * and versions commit in order: a reader that sees version N sees every change up to N.
 * Call it before writing any entry, in a transaction `runRepoussoirChange` runs: while
 * an import moves its rows in, it throws `RepoussoirImportApplying` and the change waits.
 *
 * @example
 * const version = await nextRepoussoirVersion(trx); // 42
 */
export async function nextRepoussoirVersion(trx: Transaction<ControlSchema>): Promise<number> {
  const row = await trx
    .updateTable('repoussoir_state')
    .set({ version: sql`version + 1` })
    .where('id', '=', 1)
    .where('applying_import_id', 'is', null)
    .returning('version')
    .executeTakeFirst();
  if (!row) throw new RepoussoirImportApplying();
  return Number(row.version);
}
