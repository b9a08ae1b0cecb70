// An operator's follow-up of what went wrong, from the command line: alerts acknowledged,
// drops the platform gave up on retried. Directly on the data directory, then through a
// running serve (the same commands go over its HTTP API).
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  cliEnv,
  createTestDataDir,
  operatorOverHttp,
  runCli,
  startServe,
  stopProcess,
  waitForDrops,
} from '@alliage/cli/testing';
import {
  type ControlContext,
  cliActor,
  createOrganisation,
  getFileDrop,
  listLatestAuditEvents,
  openControlDb,
  raiseAlert,
  SYSTEM_ACTOR,
  type TFileDrop,
} from '@alliage/control';
import { storeTestDrop } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('alliage alert and intake retry (embedded data directory)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let alertId: string;
  let servedAlertId: string;
  /** Abandoned drops: one retried directly, one through serve. */
  let drops: [TFileDrop, TFileDrop];

  /** Opens the stopped platform's control plane in this process (no command runs meanwhile). */
  async function withControl<T>(work: (ctx: ControlContext) => Promise<T>): Promise<T> {
    const control = await openControlDb({ pgliteDir: path.join(dataDir, 'pglite') });
    try {
      return await work({ db: control.db, clock: () => new Date() });
    } finally {
      await control.close();
    }
  }

  beforeAll(async () => {
    dataDir = await createTestDataDir('alliage-follow-up-cli-');
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir, ALLIAGE_HTTP_PORT: '0' });
    await withControl(async (ctx) => {
      // What failing pulls of members' servers raise (the platform's own path to it needs a
      // member's SFTP server; the alert is the same row).
      const ids: string[] = [];
      for (const organisationCode of ['M01', 'M02']) {
        const { alert } = await raiseAlert(ctx, SYSTEM_ACTOR, {
          kind: 'pull_failed',
          severity: 'warning',
          details: { organisationCode },
        });
        ids.push(alert.id);
      }
      [alertId, servedAlertId] = ids as [string, string];
      await createOrganisation(ctx, SYSTEM_ACTOR, {
        code: 'M01',
        name: 'Member M01',
        kind: 'member',
        sector: 'automobile',
      });
      const dropStore = path.join(dataDir, 'drops');
      drops = [
        await storeTestDrop(ctx, { organisationCode: 'M01', dropStore, status: 'abandoned' }),
        await storeTestDrop(ctx, { organisationCode: 'M01', dropStore, status: 'abandoned' }),
      ];
    });
  }, 120_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const openAlerts = async () => {
    const listed = await runCli(['alert', 'list', '--open', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    return (JSON.parse(listed.stdout) as { id: string }[]).map((alert) => alert.id);
  };

  it('acknowledges an open alert once, with a note, and audits it', async () => {
    expect((await openAlerts()).sort()).toEqual([alertId, servedAlertId].sort());

    const withoutNote = await runCli(['alert', 'ack', alertId], env);
    expect(withoutNote.code).toBe(2);
    expect(withoutNote.stderr).toContain('--note');

    const acked = await runCli(
      ['alert', 'ack', alertId, '--note', 'M01 SFTP host back up', '--json'],
      env,
    );
    expect(acked.code, acked.stderr).toBe(0);
    // Direct mode: the operator is the local user, as on every command's audit event.
    expect(JSON.parse(acked.stdout)).toMatchObject({
      id: alertId,
      acknowledgedByRef: cliActor(os.userInfo().username).ref,
    });
    expect(await openAlerts()).toEqual([servedAlertId]);
    const all = await runCli(['alert', 'list', '--json'], env);
    expect((JSON.parse(all.stdout) as { id: string }[]).map((alert) => alert.id).sort()).toEqual(
      [alertId, servedAlertId].sort(),
    );

    const again = await runCli(['alert', 'ack', alertId, '--note', 'again'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`alert ${alertId} was acknowledged`);

    const [event] = await withControl((ctx) => listLatestAuditEvents(ctx, 1));
    expect(event).toMatchObject({
      action: 'alert.acknowledged',
      objectId: alertId,
      details: { kind: 'pull_failed', note: 'M01 SFTP host back up' },
    });
  });

  it('records the retry of an abandoned drop directly, for the next serve to load', async () => {
    const [direct] = drops;
    const retried = await runCli(['intake', 'retry', direct.id], env);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain(`file drop ${direct.id} is received again`);
    const again = await runCli(['intake', 'retry', direct.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('only a drop the platform gave up on');
    expect(await withControl((ctx) => getFileDrop(ctx, direct.id))).toMatchObject({
      status: 'received',
      attempts: 0,
    });
  });

  it('goes through a running serve: the retried drops load, the alert is acknowledged', async () => {
    const [direct, served] = drops;
    const serve = await startServe(env);
    try {
      // serve queues every unfinished drop at start: the one retried directly loads now
      // (a placeholder, not a PGP message from M01: rejected, but processed).
      const { token } = await operatorOverHttp(serve, env, 'follow-up');
      const fileNames = [direct.fileName];
      const loaded = await waitForDrops({ serve, token, fileNames });
      expect(loaded.get(direct.fileName)?.status).toBe('rejected');

      const retried = await runCli(['intake', 'retry', served.id, '--json'], env);
      expect(retried.code, retried.stderr).toBe(0);
      expect(JSON.parse(retried.stdout)).toMatchObject({ id: served.id, status: 'received' });
      const queued = await waitForDrops({ serve, token, fileNames: [served.fileName] });
      expect(queued.get(served.fileName)?.status).toBe('rejected');

      expect(await openAlerts()).toEqual([servedAlertId]);
      const acked = await runCli(
        ['alert', 'ack', servedAlertId, '--note', 'M02 rotated its host key'],
        env,
      );
      expect(acked.code, acked.stderr).toBe(0);
      expect(acked.stdout).toContain(`alert ${servedAlertId} acknowledged`);
      expect(await openAlerts()).toEqual([]);
      const again = await runCli(['alert', 'ack', servedAlertId, '--note', 'again'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('was acknowledged');
    } finally {
      await stopProcess(serve.child);
    }
    const events = await withControl((ctx) => listLatestAuditEvents(ctx, 30));
    expect(
      events.filter((event) => event.action === 'file.retried').map((e) => e.objectId),
    ).toEqual(expect.arrayContaining([direct.id, served.id]));
    expect(
      events.find(
        (event) => event.action === 'alert.acknowledged' && event.objectId === servedAlertId,
      ),
    ).toMatchObject({ details: { note: 'M02 rotated its host key' } });
  });
});
