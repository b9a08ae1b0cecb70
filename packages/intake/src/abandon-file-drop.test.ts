// Giving up on a drop whose attempts all failed before its file left the member's inbox:
// the file goes into the drop store (to be purged with the other finished drops' files),
// so the inbox name is free for the file the member is told to send again. Real control
// plane (PGlite, and PostgreSQL when DATABASE_URL is set), real GnuPG.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  getFileDrop,
  listAlerts,
  listLatestAuditEvents,
  registerFileDrop,
  retryFileDrop,
  SYSTEM_ACTOR,
  updateOrganisation,
} from '@alliage/control';
import { testControlDbKinds, testStaffActor } from '@alliage/control/testing';
import { hasGpg } from '@alliage/crypto/testing';
import { CUSTOMER_COLUMNS } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abandonFileDrop } from './abandon-file-drop.ts';
import { fileDropJobId } from './file-drop-job-id.ts';
import { processFileDrop } from './process-file-drop.ts';
import { createIntakeTestEnv, type TIntakeTestEnv } from './testing/create-intake-test-env.ts';

const HEADER = CUSTOMER_COLUMNS.join(',');
// Synthetic person only.
const LINE =
  'C1,MME,Marie,DURAND,,,3 rue de la Paix,,69002,LYON,FR,marie.durand@exemple.test,06 98 76 54 32,,1980-01-01,1,1,1,2026-01-10';
const EIGHT_DAYS_MS = 8 * 24 * 60 * 60 * 1000;
const OPERATOR = testStaffActor();

describe.skipIf(!hasGpg).each(testControlDbKinds())(
  'giving up on a drop still in the inbox (%s)',
  (kind) => {
    let env: TIntakeTestEnv;

    beforeAll(async () => {
      env = await createIntakeTestEnv(kind, 'alliage-intake-abandon-inbox-');
    });
    afterAll(async () => {
      await env?.cleanup();
    });

    /** A drop registered with its file in the inbox and a week of failed attempts behind it. */
    const failedForAWeek = async (fileName: string) => {
      const { registered, target } = await env.drop(fileName, `${HEADER}\n${LINE}\n`);
      await env.ctx.db
        .updateTable('file_drops')
        .set({ attempts: 2 })
        .where('id', '=', registered.id)
        .execute();
      const dispatch = {
        ...env.deps,
        ctx: { ...env.ctx, clock: () => new Date(Date.now() + EIGHT_DAYS_MS) },
      };
      return { drop: await getFileDrop(env.ctx, registered.id), inboxPath: target, dispatch };
    };

    it('moves its file from the inbox into the drop store, with the drop finished abandoned', async () => {
      const { drop, inboxPath, dispatch } = await failedForAWeek('M01_customers_20261201.csv.gpg');
      const bytes = readFileSync(inboxPath);

      const abandoned = await abandonFileDrop(dispatch, drop);

      const storePath = path.join(env.deps.dropStore, 'M01', drop.id);
      expect(abandoned).toMatchObject({ status: 'abandoned', storagePath: storePath });
      expect(existsSync(inboxPath)).toBe(false);
      expect(readFileSync(storePath).equals(bytes)).toBe(true);
      expect(await getFileDrop(env.ctx, drop.id)).toMatchObject({
        status: 'abandoned',
        storagePath: storePath,
      });
      // Operators hear of it, whatever became of the drop's earlier `drop_stuck`: IDs and
      // counts only, never the file name.
      const alerts = (await listAlerts(env.ctx)).filter(
        (alert) => alert.kind === 'drop_abandoned' && alert.details.fileDropId === drop.id,
      );
      expect(alerts).toEqual([
        expect.objectContaining({
          severity: 'warning',
          details: expect.objectContaining({
            organisationCode: 'M01',
            attempts: 2,
            daysUnfinished: 8,
          }),
        }),
      ]);
      expect(JSON.stringify(alerts)).not.toContain('customers_20261201');
      // Finished: a later pass neither abandons it again nor raises another alert.
      expect(await abandonFileDrop(dispatch, await getFileDrop(env.ctx, drop.id))).toBeNull();
      expect(
        (await listAlerts(env.ctx)).filter((alert) => alert.details.fileDropId === drop.id),
      ).toHaveLength(1);
    }, 60_000);

    it('loads it when an operator retries it, its cause fixed, counting its thresholds from the retry', async () => {
      const fileName = 'M01_customers_20261203.csv.gpg';
      const { drop, dispatch } = await failedForAWeek(fileName);
      const abandoned = await abandonFileDrop(dispatch, drop);
      expect(abandoned?.status).toBe('abandoned');

      const retriedAt = new Date(Date.now() + EIGHT_DAYS_MS + 60_000);
      const operatorCtx = { ...env.ctx, clock: () => retriedAt };
      const retried = await retryFileDrop(operatorCtx, OPERATOR, drop.id);
      expect(retried).toMatchObject({
        status: 'received',
        attempts: 0,
        lastErrorCode: null,
        report: null,
        finishedAt: null,
        retriedAt,
      });
      const [event] = await listLatestAuditEvents(env.ctx, 1);
      expect(event).toMatchObject({
        action: 'file.retried',
        actor: OPERATOR.ref,
        objectId: drop.id,
        details: { previousAttempts: 2, sha256: drop.sha256 },
      });
      // Its thresholds count from the retry: the next hourly pass does not give up on it.
      expect(await abandonFileDrop(dispatch, retried)).toBeNull();
      // A new queue key: the queue may remember the job of the attempts before.
      expect(fileDropJobId(retried)).not.toBe(fileDropJobId(drop));

      const finished = await processFileDrop(env.deps, drop.id);
      expect(finished).toMatchObject({ status: 'accepted', rowCount: 1 });
      const report = JSON.parse(
        readFileSync(
          path.join(env.deps.sftpRoot, 'M01', 'reports', `${fileName}.report.json`),
          'utf8',
        ),
      );
      expect(report).toMatchObject({ status: 'accepted' });
      expect(report.abandonment ?? null).toBeNull();
    }, 60_000);

    it('refuses to retry a drop that is not abandoned, whose file is gone, or whose file was accepted since', async () => {
      const { drop, inboxPath, dispatch } = await failedForAWeek('M01_customers_20261204.csv.gpg');
      await expect(retryFileDrop(env.ctx, OPERATOR, drop.id)).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('only a drop the platform gave up on'),
      });
      await abandonFileDrop(dispatch, drop);
      const stored = (await getFileDrop(env.ctx, drop.id)).storagePath;
      // The member sent the same bytes again, and they were accepted.
      const resent = path.join(path.dirname(inboxPath), 'M01_customers_20261204b.csv.gpg');
      copyFileSync(stored, resent);
      const again = await registerFileDrop(
        env.ctx,
        SYSTEM_ACTOR,
        {
          organisationCode: 'M01',
          fileName: path.basename(resent),
          source: 'sftp',
          sizeBytes: drop.sizeBytes,
          sha256: drop.sha256,
          storagePath: resent,
        },
        async () => {},
      );
      expect(await processFileDrop(env.deps, again.id)).toMatchObject({ status: 'accepted' });
      await expect(retryFileDrop(env.ctx, OPERATOR, drop.id)).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining(`drop ${again.id} accepted it`),
      });
      // Its file deleted with the finished drops' files: the member must send it again.
      await rm(stored);
      await expect(retryFileDrop(env.ctx, OPERATOR, drop.id)).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('no longer on the platform'),
      });
      expect(existsSync(inboxPath)).toBe(false);
      await expect(
        retryFileDrop(env.ctx, OPERATOR, '00000000-0000-4000-8000-0000000000ff'),
      ).rejects.toMatchObject({ code: 'not_found' });
      expect((await getFileDrop(env.ctx, drop.id)).status).toBe('abandoned');
    }, 60_000);

    it('refuses to retry a drop of a member no longer active, which intake would not load', async () => {
      const { drop, dispatch } = await failedForAWeek('M01_customers_20261206.csv.gpg');
      await abandonFileDrop(dispatch, drop);
      await updateOrganisation(env.ctx, OPERATOR, 'M01', { status: 'suspended' });
      try {
        await expect(retryFileDrop(env.ctx, OPERATOR, drop.id)).rejects.toMatchObject({
          code: 'conflict',
          message: expect.stringContaining('member M01 is suspended'),
        });
        expect((await getFileDrop(env.ctx, drop.id)).status).toBe('abandoned');
      } finally {
        await updateOrganisation(env.ctx, OPERATOR, 'M01', { status: 'active' });
      }
    }, 60_000);

    it('still gives up on it when its file is gone from the inbox', async () => {
      const { drop, inboxPath, dispatch } = await failedForAWeek('M01_customers_20261202.csv.gpg');
      await rm(inboxPath);

      expect(await abandonFileDrop(dispatch, drop)).toMatchObject({ status: 'abandoned' });
      expect(existsSync(path.join(env.deps.dropStore, 'M01', drop.id))).toBe(false);
    }, 60_000);
  },
);
