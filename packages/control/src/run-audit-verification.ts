import type { TAlert } from './alert.ts';
import { appendAuditEvent } from './audit-append-event.ts';
import type { TCheckpoint } from './audit-checkpoint.ts';
import { type TChainVerification, verifyAuditChain } from './audit-verify-chain.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { raiseAlert } from './raise-alert.ts';

/**
 * Verifies the audit chain (against a checkpoint when given), records
 * `audit.verified`, and raises a critical `audit_chain_failed` alert when it does
 * not hold — what the API and the CLI run for "verify".
 *
 * @example
 * const { verification, alert } = await runAuditVerification(ctx, actor, { checkpoint });
 */
export async function runAuditVerification(
  ctx: ControlContext,
  actor: TActor | string,
  options: { checkpoint?: TCheckpoint | undefined } = {},
): Promise<{ verification: TChainVerification; alert: TAlert | null }> {
  const checkpoint = options.checkpoint;
  const verification = await verifyAuditChain(ctx, checkpoint ? { checkpoint } : {});
  const { checkpointSeq } = verification;
  await appendAuditEvent(ctx.db, ctx.clock, {
    action: 'audit.verified',
    actor,
    details: { ...verification },
  });
  if (verification.ok) return { verification, alert: null };
  const { alert } = await raiseAlert(ctx, actor, {
    kind: 'audit_chain_failed',
    severity: 'critical',
    details: {
      firstBadSeq: verification.firstBadSeq,
      headSeq: verification.headSeq,
      eventCount: verification.eventCount,
      checkpointSeq,
      reason: verification.reason,
    },
  });
  return { verification, alert };
}
