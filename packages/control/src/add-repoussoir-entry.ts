import { parseInput, type TRepoussoirEntryInput, ZRepoussoirEntryInput } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { insertRepoussoirEntries } from './insert-repoussoir-entries.ts';
import { repoussoirChangeDetails, tallyRepoussoirEntries } from './repoussoir-change-details.ts';
import { type TRepoussoirEntry, toRepoussoirEntry } from './repoussoir-entry.ts';
import { runRepoussoirChange } from './repoussoir-import-lock.ts';

/** The entry in force after an add, and whether it was there before. */
export type TAddedRepoussoirEntry = TRepoussoirEntry & { alreadyPresent: boolean };

/**
 * Adds one hashed contact point to the repoussoir and records `repoussoir.changed`.
 * Idempotent: when an entry in force has the same kind, hash, scope, source and reference,
 * that entry is returned (`alreadyPresent: true`) and nothing is duplicated; the request
 * is audited all the same. Another source or reference gets an entry of its own.
 *
 * @example
 * await addRepoussoirEntry(ctx, actor, { kind: 'email', hmac, scope: 'all', source: 'subject_request',
 *   sourceReference: 'DSAR-2026-0042' });
 */
export async function addRepoussoirEntry(
  ctx: ControlContext,
  actor: TActor,
  input: TRepoussoirEntryInput,
): Promise<TAddedRepoussoirEntry> {
  const { kind, hmac, scope, ...provenance } = parseInput(ZRepoussoirEntryInput, input);
  const entries = [{ kind, hmac, scope }];
  return runRepoussoirChange(ctx, async (trx) => {
    const created = await insertRepoussoirEntries(trx, {
      actor,
      now: ctx.clock(),
      entries,
      provenance,
    });
    // The entry in force now: the one just created, or the one that was already there.
    const row = await trx
      .selectFrom('repoussoir_entries')
      .selectAll()
      .where('kind', '=', kind)
      .where('hmac', '=', hmac)
      .where('scope', '=', scope)
      .where('source', '=', provenance.source)
      .where((eb) =>
        provenance.sourceReference === null
          ? eb('source_reference', 'is', null)
          : eb('source_reference', '=', provenance.sourceReference),
      )
      .where('withdrawn_at', 'is', null)
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'repoussoir.changed',
      actor,
      objectType: 'repoussoir_entry',
      objectId: row.id,
      details: repoussoirChangeDetails({
        operation: 'add',
        tally: tallyRepoussoirEntries(entries),
        added: created,
        source: provenance.source,
      }),
    });
    return { ...toRepoussoirEntry(row), alreadyPresent: created === 0 };
  });
}
