import { type Kysely, sql } from 'kysely';

/**
 * Replaces the check on `alerts.kind` by one allowing exactly `kinds`. Each migration
 * passes its own frozen list, so a later kind never changes what an old one did.
 */
export async function allowAlertKinds(
  db: Kysely<unknown>,
  kinds: readonly string[],
): Promise<void> {
  await sql`ALTER TABLE alerts DROP CONSTRAINT IF EXISTS alerts_kind_check`.execute(db);
  await sql`ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN (${sql.join(
    kinds.map((kind) => sql.lit(kind)),
  )}))`.execute(db);
}
