import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Events delivered from the pool's outbox carry their outbox ID in details: the chain
  // holds at most one event per ID, so a delivery redone after a crash (appended, not
  // yet removed from the outbox) never duplicates one. Only those events are indexed.
  await sql`
    CREATE UNIQUE INDEX audit_events_outbox_id_idx ON audit_events ((details->>'outboxId'))
    WHERE details->>'outboxId' IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS audit_events_outbox_id_idx`.execute(db);
}
