import { parseInput } from '@alliage/domain';
import { sql } from 'kysely';
import { z } from 'zod';
import { type TAlert, toAlert } from './alert.ts';
import { appendAuditEvent } from './audit-append-event.ts';
import { lockAuditChainHead } from './audit-lock-chain-head.ts';
import type { ControlContext, TActor } from './control-context.ts';

const ZRaiseAlertInput = z.strictObject({
  kind: z.enum([
    'seed_hit_out_of_window',
    'seed_hit_wrong_channel',
    'access_denied_repeated',
    'audit_chain_failed',
    'sftp_host_key_mismatch',
    'pull_failed',
    'drop_stuck',
    'drop_abandoned',
  ]),
  severity: z.enum(['warning', 'critical']),
  /** IDs and counts only: they go to the audit chain and the webhook. */
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  deliveryId: z.uuid().nullish(),
  clientOrgId: z.uuid().nullish(),
  /** Recorded on `alert.raised`. */
  organisationCode: z.string().min(1).max(100).nullish(),
  /**
   * At most one alert of this kind with the same `details[detailKey]` raised in the last
   * `withinMs`, acknowledged or not: a storm of signals makes one alert, and acknowledging
   * it does not make the next signal of the same storm raise (and notify) another.
   */
  dedupe: z
    .strictObject({ detailKey: z.string().min(1).max(100), withinMs: z.number().int().min(1) })
    .optional(),
});
export type TRaiseAlertInput = z.input<typeof ZRaiseAlertInput>;

/**
 * Raises an alert and records `alert.raised` in the same transaction; with `dedupe`,
 * returns the alert already raised in the window instead (`raised: false`). Once committed, a
 * new alert goes to `ctx.alerts.notify` (the webhook), which must not throw.
 *
 * @example
 * const { alert, raised } = await raiseAlert(ctx, SYSTEM_ACTOR, { kind: 'audit_chain_failed',
 *   severity: 'critical', details: { firstBadSeq: 12 } });
 */
export async function raiseAlert(
  ctx: ControlContext,
  actor: TActor | string,
  input: TRaiseAlertInput,
): Promise<{ alert: TAlert; raised: boolean }> {
  const parsed = parseInput(ZRaiseAlertInput, input, 'alert');
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    // The chain's append lock serialises raisers too, so two concurrent denials
    // cannot both find no alert in the window and raise two.
    await lockAuditChainHead(trx);
    const now = ctx.clock();
    if (parsed.dedupe) {
      const key = parsed.details[parsed.dedupe.detailKey];
      if (key === undefined || key === null) {
        throw new TypeError(`raiseAlert: dedupe key ${parsed.dedupe.detailKey} is not in details`);
      }
      const open = await trx
        .selectFrom('alerts')
        .selectAll()
        .where('kind', '=', parsed.kind)
        .where('created_at', '>', new Date(now.getTime() - parsed.dedupe.withinMs))
        .where(sql<string>`details ->> ${parsed.dedupe.detailKey}`, '=', String(key))
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (open) return { alert: toAlert(open), raised: false };
    }
    const row = await trx
      .insertInto('alerts')
      .values({
        kind: parsed.kind,
        severity: parsed.severity,
        delivery_id: parsed.deliveryId ?? null,
        client_org_id: parsed.clientOrgId ?? null,
        details: JSON.stringify(parsed.details),
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'alert.raised',
      actor,
      objectType: 'alert',
      objectId: row.id,
      organisationCode: parsed.organisationCode ?? null,
      details: { kind: row.kind, severity: row.severity, ...parsed.details },
    });
    return { alert: toAlert(row), raised: true };
  });
  if (outcome.raised) ctx.alerts?.notify?.(outcome.alert);
  return outcome;
}
