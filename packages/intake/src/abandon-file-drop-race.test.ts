// The hourly dispatch gives up on a drop (abandonFileDrop) while an attempt of it is
// loading the pool: the pool holds the file either way, so the drop must end up
// accepted, with the member's report saying so. Real control plane (PGlite, and
// PostgreSQL when DATABASE_URL is set), real pool, real GnuPG. The interleaving is forced
// with a hook, not sleeps: the abandonment runs right before the pool's COMMIT.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getFileDrop } from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { hasGpg } from '@alliage/crypto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abandonFileDrop } from './abandon-file-drop.ts';
import { processFileDrop } from './process-file-drop.ts';
import { createIntakeTestEnv, type TIntakeTestEnv } from './testing/create-intake-test-env.ts';

const HEADER =
  'customer_id,civility,first_name,last_name,address_complement,address_building,street,address_locality,postcode,city,country,email,phone_mobile,phone_landline,birth_date,optin_email,optin_sms,optin_phone,created_at';
// Synthetic person only.
const LINE =
  'C1,MME,Marie,DURAND,,,3 rue de la Paix,,69002,LYON,FR,marie.durand@exemple.test,06 98 76 54 32,,1980-01-01,1,1,1,2026-01-10';
const EIGHT_DAYS_MS = 8 * 24 * 60 * 60 * 1000;

describe.skipIf(!hasGpg).each(testControlDbKinds())(
  'a drop given up on while an attempt loads it (%s)',
  (kind) => {
    let env: TIntakeTestEnv;

    beforeAll(async () => {
      env = await createIntakeTestEnv(kind, 'alliage-intake-abandon-');
    });
    afterAll(async () => {
      await env?.cleanup();
    });

    it('ends accepted, its report too, when the attempt committed the pool load', async () => {
      const fileName = 'M01_customers_20261201.csv.gpg';
      const { registered } = await env.drop(fileName, `${HEADER}\n${LINE}\n`);
      // A week of failed attempts behind it: this attempt is its second at least.
      await env.ctx.db
        .updateTable('file_drops')
        .set({ attempts: 1 })
        .where('id', '=', registered.id)
        .execute();
      // The hourly dispatch, a week on, sees the drop unfinished right as the pool commits.
      const dispatch = {
        ...env.deps,
        ctx: { ...env.ctx, clock: () => new Date(Date.now() + EIGHT_DAYS_MS) },
      };
      const warehouse = env.deps.warehouse;
      const confirm = warehouse.confirmOwnership;
      let abandoned: unknown = 'not called';
      warehouse.confirmOwnership = async () => {
        warehouse.confirmOwnership = confirm;
        abandoned = await abandonFileDrop(dispatch, await getFileDrop(env.ctx, registered.id));
        return confirm();
      };
      try {
        const finished = await processFileDrop(env.deps, registered.id);
        expect(abandoned).toMatchObject({ status: 'abandoned' });
        expect(finished).toMatchObject({ status: 'accepted' });
      } finally {
        warehouse.confirmOwnership = confirm;
      }
      expect(await getFileDrop(env.ctx, registered.id)).toMatchObject({ status: 'accepted' });
      const report = JSON.parse(
        readFileSync(
          path.join(env.deps.sftpRoot, 'M01', 'reports', `${fileName}.report.json`),
          'utf8',
        ),
      );
      expect(report.status).toBe('accepted');
      expect(report.abandonment ?? null).toBeNull();
    }, 120_000);
  },
);
