import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // When an offboarding reached the point where the member's data must be gone from the
  // pool (after its export, right before the deletion). Every pool build deletes again
  // whatever the pool holds of such a member (a pool restored from before the
  // offboarding); a member whose offboarding is still exporting is left alone.
  await sql`ALTER TABLE organisations ADD COLUMN data_deletion_due_at timestamptz`.execute(db);
  // Offboardings finished before this column existed: their deletion is in the audit
  // chain (the pool's counts, or the certificate).
  await sql`
    UPDATE organisations SET data_deletion_due_at = (
      SELECT min(occurred_at) FROM audit_events
      WHERE audit_events.organisation_code = organisations.code
        AND (audit_events.action = 'member.offboarded'
          OR (audit_events.action = 'member.data_deleted' AND audit_events.details ->> 'reason' = 'offboarding'))
    )
    WHERE status = 'offboarded'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE organisations DROP COLUMN IF EXISTS data_deletion_due_at`.execute(db);
}
