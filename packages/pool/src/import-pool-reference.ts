import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { appendAuditEvent, type ControlContext, type TActor } from '@alliage/control';
import {
  importReferenceTable,
  type TReferenceTableImport,
  type TWarehouse,
} from '@alliage/warehouse';

/**
 * Imports a public, non-personal table keyed by commune INSEE code (e.g. INSEE
 * income by commune) into the pool for segments, and audits it as
 * `reference.imported`. The CSV text goes through a private temporary file so
 * DuckDB's own reader takes it (public data: never a member's file).
 *
 * @example
 * await importPoolReference({ ctx, warehouse, actor, name: 'revenus', keyColumn: 'code_insee', fileName, csv });
 */
export async function importPoolReference(options: {
  ctx: ControlContext;
  warehouse: TWarehouse;
  actor: TActor;
  name: string;
  keyColumn: string;
  fileName: string;
  csv: string;
}): Promise<TReferenceTableImport> {
  const { ctx } = options;
  const directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-reference-'));
  try {
    const file = path.join(directory, 'reference.csv');
    await writeFile(file, options.csv, { mode: 0o600 });
    const imported = await options.warehouse.withWriter((connection) =>
      importReferenceTable({
        connection,
        warehouse: options.warehouse,
        name: options.name,
        filePath: file,
        keyColumn: options.keyColumn,
        now: ctx.clock(),
      }),
    );
    await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'reference.imported',
      actor: options.actor,
      objectType: 'reference_table',
      objectId: options.name,
      details: {
        fileName: options.fileName,
        rows: imported.rows,
        columns: imported.columns.length,
      },
    });
    return imported;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
