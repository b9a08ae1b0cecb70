import type { TRepoussoirKind, TRepoussoirScope } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';

/** One active repoussoir entry as the pool matches it. */
export interface TRepoussoirHash {
  kind: TRepoussoirKind;
  /** Hex HMAC-SHA-256 (platform secret) of the contact point's `repoussoirKey`. */
  hmac: string;
  scope: TRepoussoirScope;
}

/**
 * Every contact point and scope in force (an entry not withdrawn; once, however many
 * provenances hold it), ordered by kind, hash and scope so two reads of the same list
 * compare equal. The whole list in memory: the pool does not use it (a
 * national list holds millions of entries) but catches up through `repoussoirFeed`.
 *
 * @example
 * const hashes = await listActiveRepoussoirHashes(ctx); // [{ kind: 'email', hmac: '5b1c…', scope: 'all' }]
 */
export async function listActiveRepoussoirHashes(ctx: ControlContext): Promise<TRepoussoirHash[]> {
  return ctx.db
    .selectFrom('repoussoir_committed_entries')
    .select(['kind', 'hmac', 'scope'])
    .distinct()
    .where('withdrawn_at', 'is', null)
    .orderBy('kind')
    .orderBy('hmac')
    .orderBy('scope')
    .execute();
}
