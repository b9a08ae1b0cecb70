import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A member (the controller) says it answered the person: when, who, and a short note
  // (a reference such as a ticket number — no personal data; the API caps its length).
  // Erasure items keep their own confirmation (confirmed_at), so `answered` is the only
  // status that needs an answer date.
  await sql`
    ALTER TABLE rights_request_items
      ADD COLUMN answered_at timestamptz,
      ADD COLUMN answered_by_ref text,
      ADD COLUMN answer_note text`.execute(db);
  await sql`
    ALTER TABLE rights_request_items
      ADD CONSTRAINT rights_request_items_answer_recorded CHECK (
        (status = 'answered') = (answered_at IS NOT NULL AND answered_by_ref IS NOT NULL)
      )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE rights_request_items
      DROP CONSTRAINT IF EXISTS rights_request_items_answer_recorded,
      DROP COLUMN IF EXISTS answer_note,
      DROP COLUMN IF EXISTS answered_by_ref,
      DROP COLUMN IF EXISTS answered_at`.execute(db);
}
