import { type Kysely, sql } from 'kysely';
import { SFTP_ALERT_KINDS } from './2026-12-03-0010-sftp-alerts.ts';
import { allowAlertKinds } from './allow-alert-kinds.ts';

// A drop still unfinished long after it was received (its intake keeps failing with a
// transient error, or never runs) reaches the alert list: else the hourly re-dispatch
// retries it for ever and the member's file silently never loads.
const AFTER = [...SFTP_ALERT_KINDS, 'drop_stuck'];

export async function up(db: Kysely<unknown>): Promise<void> {
  // The error code (never the message, which may quote data) of the drop's last failed
  // attempt, for the operator told that the drop is stuck.
  await sql`ALTER TABLE file_drops ADD COLUMN last_error_code text`.execute(db);
  await allowAlertKinds(db, AFTER);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM alerts WHERE kind = 'drop_stuck'`.execute(db);
  await allowAlertKinds(db, SFTP_ALERT_KINDS);
  await sql`ALTER TABLE file_drops DROP COLUMN IF EXISTS last_error_code`.execute(db);
}
