import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLatestAuditEvents } from './audit-list-latest-events.ts';
import { adoptPlatformSecret, checkPlatformSecret } from './check-platform-secret.ts';
import type { ControlContext } from './control-context.ts';
import { cliActor } from './control-context.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

describe.each(testControlDbKinds())('checkPlatformSecret on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => new Date() };
  });
  afterAll(async () => {
    await control?.close();
  });

  it('records the first secret, refuses another, and lets an operator adopt a new one', async () => {
    expect(await checkPlatformSecret(ctx, { name: 'hmac', checkValue: 'check-a' })).toEqual({
      recorded: true,
    });
    expect(await checkPlatformSecret(ctx, { name: 'hmac', checkValue: 'check-a' })).toEqual({
      recorded: false,
    });
    const refused = await checkPlatformSecret(ctx, { name: 'hmac', checkValue: 'check-b' }).catch(
      (error: unknown) => error as Error,
    );
    expect(refused).toMatchObject({ code: 'conflict', retry: false });
    expect((refused as Error).message).toContain('adopt-hmac-secret');
    expect((refused as Error).message).not.toContain('check-');

    const actor = cliActor('test');
    expect(await adoptPlatformSecret(ctx, actor, { name: 'hmac', checkValue: 'check-b' })).toEqual({
      changed: true,
    });
    const [adopted] = await listLatestAuditEvents(ctx, 1);
    expect(adopted).toMatchObject({
      action: 'platform.secret_adopted',
      objectId: 'hmac',
      details: { secret: 'hmac', replaced: true },
    });
    expect(JSON.stringify(adopted)).not.toContain('check-');
    expect(await checkPlatformSecret(ctx, { name: 'hmac', checkValue: 'check-b' })).toEqual({
      recorded: false,
    });
    await expect(
      checkPlatformSecret(ctx, { name: 'hmac', checkValue: 'check-a' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await adoptPlatformSecret(ctx, actor, { name: 'hmac', checkValue: 'check-b' })).toEqual({
      changed: false,
    });
  });
});
