// Giving up on a drop whose attempts all failed before its file left the member's inbox:
// the file goes into the drop store (to be purged with the other finished drops' files),
// so the inbox name is free for the file the member is told to send again. Real control
// plane (PGlite, and PostgreSQL when DATABASE_URL is set), real GnuPG.
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { getFileDrop, listAlerts } from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { hasGpg } from '@alliage/crypto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abandonFileDrop } from './abandon-file-drop.ts';
import { createIntakeTestEnv, type TIntakeTestEnv } from './testing/create-intake-test-env.ts';

const HEADER = 'customer_id,last_name,created_at';
// Synthetic only.
const LINE = 'C1,DURAND,2026-01-10';
const EIGHT_DAYS_MS = 8 * 24 * 60 * 60 * 1000;

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

    it('still gives up on it when its file is gone from the inbox', async () => {
      const { drop, inboxPath, dispatch } = await failedForAWeek('M01_customers_20261202.csv.gpg');
      await rm(inboxPath);

      expect(await abandonFileDrop(dispatch, drop)).toMatchObject({ status: 'abandoned' });
      expect(existsSync(path.join(env.deps.dropStore, 'M01', drop.id))).toBe(false);
    }, 60_000);
  },
);
