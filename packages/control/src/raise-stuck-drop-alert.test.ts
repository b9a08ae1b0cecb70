import { STUCK_DROP_ALERT_REPEAT_MS, STUCK_DROP_FAILED_HOURS } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeAlert } from './acknowledge-alert.ts';
import { claimFileDrop } from './claim-file-drop.ts';
import { type ControlContext, SYSTEM_ACTOR } from './control-context.ts';
import { createOrganisation } from './create-organisation.ts';
import { getFileDrop } from './get-file-drop.ts';
import { listAlerts } from './list-alerts.ts';
import { raiseStuckDropAlert } from './raise-stuck-drop-alert.ts';
import { recordFileDropFailure } from './record-file-drop-failure.ts';
import { registerFileDrop } from './register-file-drop.ts';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
  testStaffActor,
} from './testing/index.ts';

const HOUR_MS = 60 * 60 * 1000;
const OPERATOR = testStaffActor();
const RECEIVED_AT = new Date('2026-12-06T10:00:00Z');

describe.each(testControlDbKinds())('raiseStuckDropAlert (%s)', (kind) => {
  let control: TestControlDb;
  let now = RECEIVED_AT;
  let ctx: ControlContext;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code: 'M01',
      name: 'Member M01',
      kind: 'member',
      sector: 'automobile',
    });
  });
  afterAll(async () => {
    await control.close();
  });

  async function failingDrop(digit: string) {
    now = RECEIVED_AT;
    const drop = await registerFileDrop(
      ctx,
      SYSTEM_ACTOR,
      {
        organisationCode: 'M01',
        fileName: `M01_customers_${digit}.csv.gpg`,
        source: 'sftp',
        sizeBytes: 10,
        sha256: digit.repeat(64),
        storagePath: `/data/drops/M01/${digit}`,
      },
      async () => {},
    );
    await claimFileDrop(ctx, drop.id);
    await claimFileDrop(ctx, drop.id);
    return drop.id;
  }

  const stuckAlertsOf = async (fileDropId: string) =>
    (await listAlerts(ctx)).filter(
      (alert) => alert.kind === 'drop_stuck' && alert.details.fileDropId === fileDropId,
    );

  it('records only error codes, never free text', async () => {
    const id = await failingDrop('1');
    await recordFileDropFailure(ctx, id, 'unavailable');
    expect((await getFileDrop(ctx, id)).lastErrorCode).toBe('unavailable');
    await recordFileDropFailure(ctx, id, 'duplicate key value (email)=(a@b.fr)');
    expect((await getFileDrop(ctx, id)).lastErrorCode).toBe('internal');
  });

  it('raises nothing before the threshold, then one alert until the repeat window ends', async () => {
    const id = await failingDrop('2');
    await recordFileDropFailure(ctx, id, 'ECONNREFUSED');
    now = new Date(RECEIVED_AT.getTime() + STUCK_DROP_FAILED_HOURS * HOUR_MS - 1);
    expect(await raiseStuckDropAlert(ctx, await getFileDrop(ctx, id))).toBeNull();

    now = new Date(RECEIVED_AT.getTime() + STUCK_DROP_FAILED_HOURS * HOUR_MS);
    const first = await raiseStuckDropAlert(ctx, await getFileDrop(ctx, id));
    expect(first?.details).toMatchObject({
      fileDropId: id,
      attempts: 2,
      lastErrorCode: 'ECONNREFUSED',
    });
    // Acknowledged an hour later (someone is on it): the hourly passes raise nothing more.
    now = new Date(now.getTime() + HOUR_MS);
    await acknowledgeAlert(ctx, OPERATOR, { alertId: first?.id ?? '', note: 'disk freed' });
    now = new Date(now.getTime() + HOUR_MS);
    expect(await raiseStuckDropAlert(ctx, await getFileDrop(ctx, id))).toBeNull();
    now = new Date(RECEIVED_AT.getTime() + STUCK_DROP_FAILED_HOURS * HOUR_MS);
    now = new Date(now.getTime() + STUCK_DROP_ALERT_REPEAT_MS - 1);
    expect(await raiseStuckDropAlert(ctx, await getFileDrop(ctx, id))).toBeNull();
    expect(await stuckAlertsOf(id)).toHaveLength(1);

    // Still stuck a week later: one reminder.
    now = new Date(now.getTime() + 1);
    expect(await raiseStuckDropAlert(ctx, await getFileDrop(ctx, id))).not.toBeNull();
    expect(await stuckAlertsOf(id)).toHaveLength(2);
  });
});
