import { generatePgpKeyPair, signText } from '@alliage/crypto';
import { canonicalJson, isAppError } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent } from './audit-append-event.ts';
import { createAuditCheckpoint } from './audit-create-checkpoint.ts';
import { listLatestAuditEvents } from './audit-list-latest-events.ts';
import { readAuditCheckpoint } from './audit-read-checkpoint.ts';
import type { ControlContext } from './control-context.ts';
import { cliActor } from './control-context.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  return isAppError(error) ? error.code : `not an AppError: ${String(error)}`;
}

describe.each(testControlDbKinds())('signed audit checkpoints on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let platformKey: Awaited<ReturnType<typeof generatePgpKeyPair>>;
  let otherKey: Awaited<ReturnType<typeof generatePgpKeyPair>>;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => new Date('2026-04-01T08:00:00.250Z') };
    [platformKey, otherKey] = await Promise.all([
      generatePgpKeyPair({ name: 'Test Only platform', email: 'platform@example.invalid' }),
      generatePgpKeyPair({ name: 'Test Only other', email: 'other@example.invalid' }),
    ]);
  });
  afterAll(async () => {
    await control?.close();
  });

  it('signs the head before it and records audit.checkpointed right after', async () => {
    const first = await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'platform.started',
      actor: 'system',
    });
    const { checkpoint, signedText } = await createAuditCheckpoint(ctx, cliActor('alice'), {
      ...platformKey,
      fingerprint: platformKey.fingerprint.toLowerCase(),
    });
    expect(checkpoint).toEqual({
      seq: first.seq,
      hash: first.hash,
      createdAt: '2026-04-01T08:00:00.250Z',
      platformFingerprint: platformKey.fingerprint,
    });
    expect(signedText).toContain(canonicalJson(checkpoint));
    const [recorded] = await listLatestAuditEvents(ctx, 1);
    expect(recorded).toMatchObject({
      seq: first.seq + 1,
      action: 'audit.checkpointed',
      actor: 'cli:alice',
      details: { seq: first.seq, hash: first.hash, platformFingerprint: platformKey.fingerprint },
    });
    expect(
      await readAuditCheckpoint(signedText, [
        otherKey.armoredPublicKey,
        platformKey.armoredPublicKey,
      ]),
    ).toEqual(checkpoint);
  });

  it('refuses an altered checkpoint, an unknown signer and a signer the checkpoint does not name', async () => {
    const { checkpoint, signedText } = await createAuditCheckpoint(ctx, 'system', platformKey);
    const altered = signedText.replace(`"seq":${checkpoint.seq}`, `"seq":${checkpoint.seq + 1}`);
    expect(altered).not.toBe(signedText);
    expect(await codeOf(readAuditCheckpoint(altered, [platformKey.armoredPublicKey]))).toBe(
      'validation_failed',
    );
    expect(await codeOf(readAuditCheckpoint(signedText, [otherKey.armoredPublicKey]))).toBe(
      'validation_failed',
    );
    // Signed by a trusted key, but claiming to come from the platform key.
    const impostor = await signText({
      text: canonicalJson(checkpoint),
      armoredPrivateKey: otherKey.armoredPrivateKey,
    });
    expect(
      await codeOf(
        readAuditCheckpoint(impostor, [platformKey.armoredPublicKey, otherKey.armoredPublicKey]),
      ),
    ).toBe('validation_failed');
    const notACheckpoint = await signText({
      text: canonicalJson({ seq: -1 }),
      armoredPrivateKey: platformKey.armoredPrivateKey,
    });
    expect(await codeOf(readAuditCheckpoint(notACheckpoint, [platformKey.armoredPublicKey]))).toBe(
      'validation_failed',
    );
  });

  it('records nothing when signing fails', async () => {
    const [before] = await listLatestAuditEvents(ctx, 1);
    expect(
      await codeOf(
        createAuditCheckpoint(ctx, 'system', { ...platformKey, armoredPrivateKey: 'not a key' }),
      ),
    ).toBe('validation_failed');
    const [after] = await listLatestAuditEvents(ctx, 1);
    expect(after?.seq).toBe(before?.seq);
  });
});
