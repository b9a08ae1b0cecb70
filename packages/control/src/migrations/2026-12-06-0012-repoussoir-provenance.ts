import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One entry in force per contact point, scope AND provenance (source and reference).
  // With one per contact point and scope, a second source met the first one's entry and
  // added nothing ("already present"): withdrawing that entry by a decision about its own
  // source (a member's opt-out reversed, a national list version superseded) silently lifted
  // the other one too — a subject's own opposition among them. Each provenance now holds its
  // own entry, withdrawn only for its own reason. Existing entries keep what they are.
  await sql`DROP INDEX repoussoir_entries_active`.execute(db);
  await sql`CREATE UNIQUE INDEX repoussoir_entries_active ON repoussoir_entries
    (kind, hmac, scope, source, (coalesce(source_reference, ''))) WHERE withdrawn_at IS NULL`.execute(
    db,
  );
  // A version of a list is withdrawn as a whole by its source and reference.
  await sql`CREATE INDEX repoussoir_entries_provenance ON repoussoir_entries
    (source, source_reference) WHERE withdrawn_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS repoussoir_entries_provenance`.execute(db);
  await sql`DROP INDEX repoussoir_entries_active`.execute(db);
  await sql`CREATE UNIQUE INDEX repoussoir_entries_active ON repoussoir_entries (kind, hmac, scope) WHERE withdrawn_at IS NULL`.execute(
    db,
  );
}
