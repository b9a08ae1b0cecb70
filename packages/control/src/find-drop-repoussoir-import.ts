import { sql } from 'kysely';
import type { ControlContext } from './control-context.ts';
import type { TRepoussoirImportResult } from './import-repoussoir-entries.ts';

/**
 * What a file drop's opt-out list already added to the repoussoir, read from the
 * `repoussoir.changed` event committed with its entries, or null when none was: a drop
 * processed again after a crash between the import and its report reports what the
 * first run added instead of finding everything "already present".
 *
 * @example
 * await findDropRepoussoirImport(ctx, { organisationCode: 'M01', fileDropId }); // { added: 30, alreadyPresent: 0 }
 */
export async function findDropRepoussoirImport(
  ctx: ControlContext,
  drop: { organisationCode: string; fileDropId: string },
): Promise<TRepoussoirImportResult | null> {
  const row = await ctx.db
    .selectFrom('audit_events')
    .select('details')
    .where('organisation_code', '=', drop.organisationCode)
    .where('action', '=', 'repoussoir.changed')
    .where(sql<string>`details->>'fileDropId'`, '=', drop.fileDropId)
    .orderBy('seq')
    .executeTakeFirst();
  if (!row) return null;
  const details = row.details as { added?: unknown; alreadyPresent?: unknown };
  return { added: Number(details.added ?? 0), alreadyPresent: Number(details.alreadyPresent ?? 0) };
}
