import {
  AppError,
  parseInput,
  type TRepoussoirProvenanceWithdrawal,
  ZRepoussoirProvenanceWithdrawal,
} from '@alliage/domain';
import { sql } from 'kysely';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { nextRepoussoirVersion } from './next-repoussoir-version.ts';
import { withdrawalStamp } from './repoussoir-entry.ts';
import { runRepoussoirChange } from './repoussoir-import-lock.ts';

/** What a withdrawal by provenance did, in counts. */
export interface TRepoussoirProvenanceWithdrawalResult {
  withdrawn: number;
  kinds: Record<string, number>;
}

/**
 * Withdraws, by one recorded decision, every entry in force from one source and
 * reference — a national list version the next one supersedes, an opposition reversed —
 * in one transaction and one repoussoir version, with one `repoussoir.changed` event
 * (operation `withdraw`, counts only). Who, when and why stay on every entry. Entries of
 * another provenance stay in force, even for the same contact points, so a subject's own
 * opposition or another member's opt-out outlives the list version. Nothing in force
 * from that source and reference is `not_found` (a mistyped reference withdraws nothing).
 *
 * @example
 * await importRepoussoirEntries(ctx, actor, bloctelDecember, { source: 'national_list', sourceReference: 'Bloctel 2026-12' });
 * await withdrawRepoussoirProvenance(ctx, actor, { source: 'national_list',
 *   sourceReference: 'Bloctel 2026-11', reason: 'Superseded by Bloctel 2026-12' }); // { withdrawn: 41_022, … }
 */
export async function withdrawRepoussoirProvenance(
  ctx: ControlContext,
  actor: TActor,
  input: TRepoussoirProvenanceWithdrawal,
): Promise<TRepoussoirProvenanceWithdrawalResult> {
  const { source, sourceReference, reason } = parseInput(ZRepoussoirProvenanceWithdrawal, input);
  return runRepoussoirChange(ctx, async (trx) => {
    const now = ctx.clock();
    // Taken first: it serialises every repoussoir change, so nothing is added to this
    // provenance between the update and the count below.
    const version = await nextRepoussoirVersion(trx);
    await trx
      .updateTable('repoussoir_entries')
      .set(withdrawalStamp({ actor, now, reason, version }))
      .where('source', '=', source)
      .where('source_reference', '=', sourceReference)
      .where('withdrawn_at', 'is', null)
      .execute();
    // Counted from the rows this version stamped, not returned: a list version holds millions.
    const counts = await trx
      .selectFrom('repoussoir_entries')
      .select(['kind', 'scope', sql<number>`count(*)::int`.as('count')])
      .where('change_version', '=', version)
      .groupBy(['kind', 'scope'])
      .execute();
    const withdrawn = counts.reduce((sum, row) => sum + row.count, 0);
    if (withdrawn === 0) {
      throw new AppError(
        'not_found',
        `no repoussoir entry in force from ${source} with reference "${sourceReference}"`,
      );
    }
    const kinds: Record<string, number> = {};
    for (const row of counts) kinds[row.kind] = (kinds[row.kind] ?? 0) + row.count;
    await appendAuditEvent(trx, ctx.clock, {
      action: 'repoussoir.changed',
      actor,
      objectType: 'repoussoir',
      // Counts and the source only: the reference and the reason stay on the entries.
      details: {
        operation: 'withdraw',
        withdrawn,
        kinds,
        scopes: [...new Set(counts.map((row) => row.scope))].sort(),
        source,
      },
    });
    return { withdrawn, kinds };
  });
}
