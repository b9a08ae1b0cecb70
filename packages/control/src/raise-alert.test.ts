import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acknowledgeAlert } from './acknowledge-alert.ts';
import type { TAlert } from './alert.ts';
import { appendAuditEvent } from './audit-append-event.ts';
import { listLatestAuditEvents } from './audit-list-latest-events.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { createAlertWebhook, type TAlertWebhookPayload } from './create-alert-webhook.ts';
import { listAlerts } from './list-alerts.ts';
import { raiseAlert } from './raise-alert.ts';
import {
  DENIED_ACCESS_WINDOW_MS,
  raiseRepeatedDenialAlert,
} from './raise-repeated-denial-alert.ts';
import { runAuditVerification } from './run-audit-verification.ts';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
  testStaffActor,
} from './testing/index.ts';

/** A real HTTP server that records what it is sent and answers `status`. */
async function startWebhookServer(status = 204) {
  const received: { body: TAlertWebhookPayload; contentType: string | undefined }[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => {
      received.push({ body: JSON.parse(text), contentType: req.headers['content-type'] });
      res.writeHead(status).end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/alerts`,
    received,
    /** Resolves once `count` calls arrived. */
    waitFor: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (received.length >= count ? resolve() : waiters.push(check));
        check();
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function principalActor(principalId: string): TActor {
  return {
    ref: `principal:${principalId}`,
    principalId,
    role: 'member_user',
    organisationId: null,
    organisationCode: 'M01',
  };
}

const DPO = testStaffActor('compliance');

describe.each(testControlDbKinds())('alerts on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let now: number;
  let webhook: Awaited<ReturnType<typeof startWebhookServer>>;
  const webhookErrors: Error[] = [];

  async function deny(actor: TActor): Promise<TAlert | null> {
    await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'access.denied',
      actor,
      details: { reason: 'role', principalId: actor.principalId },
    });
    return raiseRepeatedDenialAlert(ctx, actor);
  }

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    webhook = await startWebhookServer();
    now = Date.parse('2026-07-01T09:00:00.000Z');
    ctx = {
      db: control.db,
      clock: () => new Date(now),
      alerts: {
        deniedAccessThreshold: 3,
        notify: createAlertWebhook({
          url: webhook.url,
          onError: (error) => webhookErrors.push(error),
        }),
      },
    };
  });
  afterAll(async () => {
    await webhook?.close();
    await control?.close();
  });
  beforeEach(async () => {
    await sql`DELETE FROM alerts`.execute(control.db);
    webhook.received.length = 0;
    webhookErrors.length = 0;
  });

  it('raises one access_denied_repeated per principal per window, from the threshold on', async () => {
    const alice = principalActor('00000000-0000-4000-8000-00000000000a');
    const bob = principalActor('00000000-0000-4000-8000-00000000000b');
    expect(await deny(alice)).toBeNull();
    expect(await deny(bob)).toBeNull();
    expect(await deny(alice)).toBeNull();
    const raised = await deny(alice);
    expect(raised).toMatchObject({
      kind: 'access_denied_repeated',
      severity: 'warning',
      details: { principalId: alice.principalId, count: 3 },
    });
    const [latest] = await listLatestAuditEvents(ctx, 1);
    expect(latest).toMatchObject({
      action: 'alert.raised',
      actor: alice.ref,
      objectId: raised?.id,
      organisationCode: 'M01',
      details: { kind: 'access_denied_repeated', principalId: alice.principalId, count: 3 },
    });
    // More denials in the window: the open alert stands for them.
    expect(await deny(alice)).toBeNull();
    expect(await deny(bob)).toBeNull();
    // Denials spread out: never 3 within 10 minutes.
    now += DENIED_ACCESS_WINDOW_MS + 1;
    expect(await deny(alice)).toBeNull();
    expect(await deny(alice)).toBeNull();
    const again = await deny(alice);
    expect(again?.id).not.toBe(raised?.id);
    const alerts = await ctx.db.selectFrom('alerts').select('details').execute();
    expect(alerts).toHaveLength(2);

    // The webhook got both, with IDs and counts only.
    await webhook.waitFor(2);
    expect(webhook.received[0]).toEqual({
      contentType: 'application/json',
      body: {
        id: raised?.id,
        kind: 'access_denied_repeated',
        severity: 'warning',
        created_at: raised?.createdAt.toISOString(),
        delivery_id: null,
        client_org_id: null,
        ids: { principalId: alice.principalId, count: 3, windowMinutes: 10 },
      },
    });
    expect(webhookErrors).toEqual([]);
  });

  it('raises again after acknowledgement only once the window has passed since the alert', async () => {
    const carol = principalActor('00000000-0000-4000-8000-00000000000c');
    for (let index = 0; index < 2; index += 1) await deny(carol);
    const first = await deny(carol);
    expect(first).not.toBeNull();
    // Open: the next denial is absorbed by it.
    expect(await deny(carol)).toBeNull();
    await acknowledgeAlert(ctx, DPO, { alertId: first?.id ?? '', note: 'checked' });
    // Acknowledged: the same storm goes on within the window, and still makes no new alert
    // (nor a webhook call).
    now += DENIED_ACCESS_WINDOW_MS / 2;
    expect(await deny(carol)).toBeNull();
    // Past the window since the alert, denials over the threshold make a new one (the
    // denial of the half-window and two more).
    now += DENIED_ACCESS_WINDOW_MS / 2;
    expect(await deny(carol)).toBeNull();
    const next = await deny(carol);
    expect(next).not.toBeNull();
    expect(next?.id).not.toBe(first?.id);
  });

  it('acknowledges an open alert once, with who, when and a note, in the chain', async () => {
    const { alert } = await raiseAlert(ctx, 'system', {
      kind: 'drop_stuck',
      severity: 'warning',
      details: { fileDropId: '00000000-0000-4000-8000-0000000000d1', attempts: 3 },
    });
    const other = await raiseAlert(ctx, 'system', {
      kind: 'pull_failed',
      severity: 'warning',
      details: { organisationCode: 'M02' },
    });
    expect((await listAlerts(ctx, { open: true })).map((open) => open.id).sort()).toEqual(
      [alert.id, other.alert.id].sort(),
    );
    now += 60_000;
    const acknowledged = await acknowledgeAlert(ctx, DPO, {
      alertId: alert.id,
      note: '  disk freed on the worker; the drop loaded at the next round  ',
    });
    expect(acknowledged).toMatchObject({
      id: alert.id,
      acknowledgedAt: new Date(now),
      acknowledgedByRef: DPO.ref,
    });
    const [event] = await listLatestAuditEvents(ctx, 1);
    expect(event).toMatchObject({
      action: 'alert.acknowledged',
      actor: DPO.ref,
      objectType: 'alert',
      objectId: alert.id,
      details: {
        kind: 'drop_stuck',
        severity: 'warning',
        raisedAt: alert.createdAt.toISOString(),
        note: 'disk freed on the worker; the drop loaded at the next round',
      },
    });
    // Listed with who acknowledged it; the open ones are the others.
    expect((await listAlerts(ctx)).find((listed) => listed.id === alert.id)).toMatchObject({
      acknowledgedByRef: DPO.ref,
    });
    expect((await listAlerts(ctx, { open: true })).map((open) => open.id)).toEqual([
      other.alert.id,
    ]);
    // Once only: a second acknowledgement says by whom and when, and records nothing.
    await expect(
      acknowledgeAlert(ctx, DPO, { alertId: alert.id, note: 'again' }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(DPO.ref) });
    expect((await listLatestAuditEvents(ctx, 1))[0]?.seq).toBe(event?.seq);
    // A note is required; an unknown or malformed id is not found.
    await expect(
      acknowledgeAlert(ctx, DPO, { alertId: other.alert.id, note: '   ' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    for (const alertId of ['00000000-0000-4000-8000-0000000000ff', 'not-a-uuid']) {
      await expect(acknowledgeAlert(ctx, DPO, { alertId, note: 'x' })).rejects.toMatchObject({
        code: 'not_found',
      });
    }
  });

  it('raises audit_chain_failed when the chain does not verify, and nothing when it does', async () => {
    const ok = await runAuditVerification(ctx, 'cli:dpo');
    expect(ok.verification.ok).toBe(true);
    expect(ok.alert).toBeNull();
    await ctx.db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE audit_events DISABLE TRIGGER ALL`.execute(trx);
      await sql`UPDATE audit_events SET actor = 'tampered' WHERE seq = 2`.execute(trx);
      await sql`ALTER TABLE audit_events ENABLE TRIGGER ALL`.execute(trx);
    });
    const broken = await runAuditVerification(ctx, 'cli:dpo');
    expect(broken.verification).toMatchObject({ ok: false, firstBadSeq: 2 });
    expect(broken.alert).toMatchObject({
      kind: 'audit_chain_failed',
      severity: 'critical',
      details: { firstBadSeq: 2, checkpointSeq: null },
    });
    const [verified, raised] = await listLatestAuditEvents(ctx, 2);
    expect(verified).toMatchObject({ action: 'audit.verified', details: { ok: false } });
    expect(raised).toMatchObject({ action: 'alert.raised', objectId: broken.alert?.id });
    // Earlier tests' calls may still land: look for this one.
    const sent = () => webhook.received.find((call) => call.body.id === broken.alert?.id);
    await expect.poll(sent).toBeDefined();
    expect(sent()?.body).toMatchObject({ kind: 'audit_chain_failed', ids: { firstBadSeq: 2 } });
    // Free text (the reason) never leaves for the webhook.
    expect(JSON.stringify(sent()?.body)).not.toContain('recompute');
  });

  it('logs a failing webhook and still raises the alert', async () => {
    const down = await startWebhookServer(500);
    const unreachable = await startWebhookServer();
    await unreachable.close();
    const errors: Error[] = [];
    for (const url of [down.url, unreachable.url]) {
      const notify = createAlertWebhook({ url, timeoutMs: 2000, onError: (e) => errors.push(e) });
      const failing: ControlContext = { ...ctx, alerts: { notify } };
      const { raised } = await raiseAlert(failing, 'system', {
        kind: 'audit_chain_failed',
        severity: 'critical',
        details: { firstBadSeq: 1 },
      });
      expect(raised).toBe(true);
    }
    await down.waitFor(1);
    await expect.poll(() => errors.length).toBe(2);
    expect(errors.map((error) => error.message)).toContain('webhook answered HTTP 500');
    await down.close();
  });
});
