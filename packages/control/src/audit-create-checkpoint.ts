import { signText } from '@alliage/crypto';
import { AppError, canonicalJson } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { TCheckpoint } from './audit-checkpoint.ts';
import { lockAuditChainHead } from './audit-lock-chain-head.ts';
import type { ControlContext, TActor } from './control-context.ts';

/** The platform key that signs checkpoints. */
export interface TCheckpointSigner {
  armoredPrivateKey: string;
  passphrase?: string;
  /** Fingerprint of that key (spaces and case do not matter). */
  fingerprint: string;
}

/** A checkpoint and its armoured cleartext signature, to keep outside the database. */
export interface TSignedCheckpoint {
  checkpoint: TCheckpoint;
  signedText: string;
}

/**
 * Signs the current head of the audit chain with the platform key, then records
 * `audit.checkpointed` right after it, all in one transaction holding the append
 * lock: the checkpoint names exactly the event before that record.
 *
 * @example
 * const { signedText } = await createAuditCheckpoint(ctx, actor, platformSigner);
 * await writeFile('checkpoint.asc', signedText); // somewhere the database admin cannot rewrite
 */
export async function createAuditCheckpoint(
  ctx: ControlContext,
  actor: TActor | string,
  signer: TCheckpointSigner,
): Promise<TSignedCheckpoint> {
  const platformFingerprint = signer.fingerprint.replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9A-F]{40}(?:[0-9A-F]{24})?$/.test(platformFingerprint)) {
    throw new AppError('validation_failed', 'platform key fingerprint is not a hex fingerprint');
  }
  return ctx.db.transaction().execute(async (trx) => {
    // Holding the lock while signing (milliseconds) keeps the head from moving.
    const head = await lockAuditChainHead(trx);
    const checkpoint: TCheckpoint = {
      seq: head.seq,
      hash: head.hash,
      createdAt: ctx.clock().toISOString(),
      platformFingerprint,
    };
    const signedText = await signText({
      text: canonicalJson(checkpoint),
      armoredPrivateKey: signer.armoredPrivateKey,
      ...(signer.passphrase === undefined ? {} : { passphrase: signer.passphrase }),
    });
    await appendAuditEvent(trx, ctx.clock, {
      action: 'audit.checkpointed',
      actor,
      objectType: 'audit_checkpoint',
      objectId: String(checkpoint.seq),
      details: { seq: checkpoint.seq, hash: checkpoint.hash, platformFingerprint },
    });
    return { checkpoint, signedText };
  });
}
