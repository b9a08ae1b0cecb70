import { type Kysely, sql } from 'kysely';
import { SFTP_ALERT_KINDS } from './2026-12-03-0010-sftp-alerts.ts';
import { allowAlertKinds } from './allow-alert-kinds.ts';

const BEFORE = [...SFTP_ALERT_KINDS, 'drop_stuck'];

// A drop given up on after a week of failed attempts reaches the alert list: the stuck
// drop's alert may have been acknowledged days before, and the member's file never loaded.
export async function up(db: Kysely<unknown>): Promise<void> {
  await allowAlertKinds(db, [...BEFORE, 'drop_abandoned']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM alerts WHERE kind = 'drop_abandoned'`.execute(db);
  await allowAlertKinds(db, BEFORE);
}
