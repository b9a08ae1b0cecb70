import type { Kysely } from 'kysely';
import { allowAlertKinds } from './allow-alert-kinds.ts';

const BEFORE = [
  'seed_hit_out_of_window',
  'seed_hit_wrong_channel',
  'access_denied_repeated',
  'audit_chain_failed',
];
/**
 * The alert kinds this migration allows (a later one adding a kind starts from them): a
 * member's or client's SFTP server presenting another host key than the pinned one (a
 * possible interception), and a member pull that failed, reach the alert list too.
 */
export const SFTP_ALERT_KINDS = [...BEFORE, 'sftp_host_key_mismatch', 'pull_failed'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await allowAlertKinds(db, SFTP_ALERT_KINDS);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await allowAlertKinds(db, BEFORE);
}
