import {
  parseInput,
  type TRepoussoirHashEntryInput,
  type TRepoussoirProvenanceInput,
  ZRepoussoirHashEntry,
  ZRepoussoirProvenance,
} from '@alliage/domain';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import {
  appendRepoussoirImportEvent,
  type TRepoussoirImportAudit,
} from './append-repoussoir-import-event.ts';
import type { ControlContext, TActor, TClock } from './control-context.ts';
import { insertRepoussoirEntries } from './insert-repoussoir-entries.ts';
import { tallyRepoussoirEntries } from './repoussoir-change-details.ts';
import { runRepoussoirChange } from './repoussoir-import-lock.ts';
import type { ControlSchema } from './schema.ts';

/** What an import did: entries created, and entries that were already active (or repeated). */
export interface TRepoussoirImportResult {
  added: number;
  alreadyPresent: number;
}

const ZImportEntries = z.array(ZRepoussoirHashEntry).min(1, 'must hold at least one entry');

/**
 * Adds many hashed contact points in one transaction with one `repoussoir.changed`
 * event; entries already active (same kind, hash and scope) are counted, not duplicated.
 * One bad entry refuses the whole import. `audit` ties the event to the member whose list
 * it is and to what carried it (e.g. a file drop), for the member and compliance to find.
 *
 * @example
 * await importRepoussoirEntries(ctx, actor, [{ kind: 'phone', hmac, scope: 'sms' }],
 *   { source: 'national_list', sourceReference: 'Bloctel 2026-11' }); // { added: 1, alreadyPresent: 0 }
 */
export async function importRepoussoirEntries(
  ctx: ControlContext,
  actor: TActor,
  entries: readonly TRepoussoirHashEntryInput[],
  options: TRepoussoirProvenanceInput,
  audit: TRepoussoirImportAudit = {},
): Promise<TRepoussoirImportResult> {
  return runRepoussoirChange(ctx, (trx) =>
    importRepoussoirEntriesIn(trx, ctx.clock, actor, entries, options, audit),
  );
}

/**
 * `importRepoussoirEntries` inside `trx`, which `runRepoussoirChange` runs: for a change
 * that must commit with other writes or not at all (a rights request and its opposition).
 * It takes the repoussoir version before appending its event, so call it before the
 * transaction appends any audit event of its own (the order every change locks in).
 *
 * @example
 * await runRepoussoirChange(ctx, async (trx) => importRepoussoirEntriesIn(trx, ctx.clock, actor, entries,
 *   { source: 'subject_request', sourceReference: requestId }));
 */
export async function importRepoussoirEntriesIn(
  trx: Transaction<ControlSchema>,
  clock: TClock,
  actor: TActor,
  entries: readonly TRepoussoirHashEntryInput[],
  options: TRepoussoirProvenanceInput,
  audit: TRepoussoirImportAudit = {},
): Promise<TRepoussoirImportResult> {
  const parsed = parseInput(ZImportEntries, entries, 'entries');
  const provenance = parseInput(ZRepoussoirProvenance, options);
  const created = await insertRepoussoirEntries(trx, {
    actor,
    now: clock(),
    entries: parsed,
    provenance,
  });
  await appendRepoussoirImportEvent(trx, clock, {
    actor,
    audit,
    tally: tallyRepoussoirEntries(parsed),
    added: created,
    source: provenance.source,
  });
  return { added: created, alreadyPresent: parsed.length - created };
}
