import type { TRepoussoirProvenance } from '@alliage/domain';
import type { Transaction } from 'kysely';
import { appendAuditEvent } from './audit-append-event.ts';
import type { TActor, TClock } from './control-context.ts';
import {
  repoussoirChangeDetails,
  type TRepoussoirEntriesTally,
} from './repoussoir-change-details.ts';
import type { ControlSchema } from './schema.ts';

/** Whose list an import is and what carried it (e.g. a file drop), for the member and compliance. */
export interface TRepoussoirImportAudit {
  organisationCode?: string;
  details?: Record<string, unknown>;
}

/**
 * Appends, inside the import's transaction, its one `repoussoir.changed` event: the
 * caller's `audit` details, then counts by kind and scope (never a value or a hash).
 *
 * @example
 * await appendRepoussoirImportEvent(trx, clock, { actor, audit, tally, added: 3, source: 'member_optout' });
 */
export async function appendRepoussoirImportEvent(
  trx: Transaction<ControlSchema>,
  clock: TClock,
  change: {
    actor: TActor;
    audit: TRepoussoirImportAudit;
    tally: TRepoussoirEntriesTally;
    added: number;
    source: TRepoussoirProvenance['source'];
  },
): Promise<void> {
  await appendAuditEvent(trx, clock, {
    action: 'repoussoir.changed',
    actor: change.actor,
    objectType: 'repoussoir',
    organisationCode: change.audit.organisationCode ?? null,
    details: {
      ...change.audit.details,
      ...repoussoirChangeDetails({
        operation: 'import',
        tally: change.tally,
        added: change.added,
        source: change.source,
      }),
    },
  });
}
