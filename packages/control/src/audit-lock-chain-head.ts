import { sql, type Transaction } from 'kysely';
import { GENESIS_HASH } from './audit-compute-hash.ts';
import type { ControlSchema } from './schema.ts';

/**
 * Key of the transaction-level advisory lock that serialises appends: the first
 * 8 bytes of SHA-256('alliage.audit_events') as a signed bigint. It is per
 * database, so schemas sharing one database also share it (they only wait).
 * Written into the SQL as a literal because a JS number cannot hold it exactly.
 */
const AUDIT_CHAIN_LOCK_KEY = '4499468911135582041';

/** The newest link of the chain, or the genesis position when it is empty. */
export interface TAuditChainHead {
  seq: number;
  hash: string;
}

/**
 * Takes the audit chain's append lock for the rest of `trx` and reads the head.
 * Whoever holds the lock is the only one who may append, until commit or rollback.
 *
 * @example
 * const head = await lockAuditChainHead(trx); // then insert seq head.seq + 1
 */
export async function lockAuditChainHead(
  trx: Transaction<ControlSchema>,
): Promise<TAuditChainHead> {
  // Step 1: wait for the lock. Released by PostgreSQL at commit/rollback, after the
  // previous holder's row became visible.
  await sql`SELECT pg_advisory_xact_lock(${sql.raw(AUDIT_CHAIN_LOCK_KEY)}::bigint)`.execute(trx);
  // Step 2: a separate statement, so that (READ COMMITTED) its snapshot is taken
  // after the lock was granted and includes the previous holder's commit. (Under
  // REPEATABLE READ a stale head would give a duplicate seq: the primary key refuses it.)
  const head = await trx
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return head ?? { seq: 0, hash: GENESIS_HASH };
}
