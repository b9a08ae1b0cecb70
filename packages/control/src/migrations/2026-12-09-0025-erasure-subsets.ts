import { type Kysely, sql } from 'kysely';

// A contact point shared by two persons (a family email, a household landline) matches
// both: the member, who knows its customers, may confirm the erasure of only those that
// are the requester. Null: every customer ID of the item (as before).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE rights_request_items ADD COLUMN confirmed_customer_ids jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE rights_request_items DROP COLUMN IF EXISTS confirmed_customer_ids`.execute(
    db,
  );
}
