import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, createTestDataDir, runCli, startServe, stopProcess } from '@alliage/cli/testing';
import {
  cliActor,
  listLatestAuditEvents,
  openControlDb,
  raiseAlert,
  SYSTEM_ACTOR,
} from '@alliage/control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('alliage alert list and ack (embedded data directory)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let alertId: string;
  let servedAlertId: string;

  /** Opens the stopped platform's control plane in this process (no command runs meanwhile). */
  async function withControl<T>(
    work: (ctx: Parameters<typeof raiseAlert>[0]) => Promise<T>,
  ): Promise<T> {
    const control = await openControlDb({ pgliteDir: path.join(dataDir, 'pglite') });
    try {
      return await work({ db: control.db, clock: () => new Date() });
    } finally {
      await control.close();
    }
  }

  beforeAll(async () => {
    dataDir = await createTestDataDir('alliage-alert-cli-');
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir, ALLIAGE_HTTP_PORT: '0' });
    // What failing pulls of members' servers raise (the platform's own path to it needs a
    // member's SFTP server; the alert is the same row).
    [alertId, servedAlertId] = await withControl(async (ctx) => {
      const ids: string[] = [];
      for (const organisationCode of ['M01', 'M02']) {
        const { alert } = await raiseAlert(ctx, SYSTEM_ACTOR, {
          kind: 'pull_failed',
          severity: 'warning',
          details: { organisationCode },
        });
        ids.push(alert.id);
      }
      return ids as [string, string];
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

  it('lists and acknowledges through a running serve', async () => {
    const serve = await startServe(env);
    try {
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
    const [event] = await withControl((ctx) => listLatestAuditEvents(ctx, 1));
    expect(event).toMatchObject({
      action: 'alert.acknowledged',
      objectId: servedAlertId,
      details: { note: 'M02 rotated its host key' },
    });
  });
});
