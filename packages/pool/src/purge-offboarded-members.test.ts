import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type ControlContext,
  cliActor,
  createOrganisation,
  listAuditEvents,
  SYSTEM_ACTOR,
  updateOrganisation,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import {
  checkpointWarehouse,
  findValuesInPoolFiles,
  openWarehouse,
  type TWarehouse,
} from '@alliage/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offboardMember } from './offboard-member.ts';
import { loadTestMemberFile, POOL_TEST_HMAC_SECRET } from './pool-test-fixtures.ts';
import { runPoolBuild } from './run-pool-build.ts';

const customer = (member: string, index: number, lastName: string) =>
  `${member}-${index},M,Jean,${lastName}${index}Z,,,${index + 1} avenue Victor Hugo,,69003,LYON,FR,${lastName.toLowerCase()}.${index}@example-${member.toLowerCase()}.test,,,19${60 + index}-01-01,1,0,0,2026-05-01`;

describe.each(testControlDbKinds())(
  'pool build after a restore from before an offboarding (%s)',
  (kind) => {
    let control: TestControlDb;
    let ctx: ControlContext;
    let directory: string;
    let warehouse: TWarehouse;
    const now = new Date('2026-11-23T12:00:00Z');
    const actor = cliActor('test');
    const poolPath = () => path.join(directory, 'pool', 'pool.duckdb');
    // One thread, as createTestWarehouse (a handful of rows: a second one only adds scheduling).
    const open = () => openWarehouse({ databasePath: poolPath(), encryptionKey: null, threads: 1 });

    function load(memberCode: string, kind: 'customers' | 'transactions', lines: string[]) {
      const members = ['M01', 'M02', 'M03'];
      return loadTestMemberFile({ warehouse, ctx, memberCode, kind, lines, members, now });
    }

    async function recordsByMember(): Promise<Record<string, number>> {
      const connection = await warehouse.connect();
      try {
        const rows = await connection.runAndReadAll(
          'SELECT member_code, count(*) FROM customer_records GROUP BY 1 ORDER BY 1',
        );
        return Object.fromEntries(rows.getRowsJS().map(([code, count]) => [code, Number(count)]));
      } finally {
        connection.closeSync();
      }
    }

    async function auditEvents(action: 'member.data_deleted' | 'pool.built') {
      return (await listAuditEvents(ctx, { action: [action], limit: 100 })).events;
    }

    function build(trigger: 'operator' | 'housekeeping') {
      return runPoolBuild({
        ctx,
        warehouse,
        actor: SYSTEM_ACTOR,
        full: false,
        trigger,
        hmacSecret: POOL_TEST_HMAC_SECRET,
      });
    }

    beforeAll(async () => {
      control = await createTestControlDb(kind);
      ctx = { db: control.db, clock: () => now };
      directory = await mkdtemp(path.join(tmpdir(), 'alliage-restore-'));
      warehouse = await open();
      for (const code of ['M01', 'M02', 'M03']) {
        await createOrganisation(ctx, actor, {
          code,
          name: `Member ${code}`,
          kind: 'member',
          sector: 'automobile',
        });
      }
      await load(
        'M01',
        'customers',
        Array.from({ length: 6 }, (_, index) => customer('M01', index, 'QWXGONE')),
      );
      await load(
        'M01',
        'transactions',
        Array.from(
          { length: 6 },
          (_, index) => `M01-${index},T${index},2026-06-01,10.00,divers,web`,
        ),
      );
      await load(
        'M02',
        'customers',
        Array.from({ length: 4 }, (_, index) => customer('M02', index, 'RESTE')),
      );
      await load(
        'M03',
        'customers',
        Array.from({ length: 3 }, (_, index) => customer('M03', index, 'EXPORTING')),
      );
    });

    afterAll(async () => {
      await warehouse?.close();
      await control?.close();
      if (directory) await rm(directory, { recursive: true, force: true });
    });

    it('deletes again what a pool file restored from before the offboarding holds of the member, audits the counts and rewrites the file', async () => {
      // The backup: the pool file as it was before the offboarding, copied while closed.
      await checkpointWarehouse(warehouse);
      await warehouse.close();
      const backup = path.join(directory, 'backup.duckdb');
      await copyFile(poolPath(), backup);
      warehouse = await open();

      await offboardMember({
        ctx,
        warehouse,
        actor,
        memberCode: 'M01',
        mode: 'delete_only',
        sftpRoot: path.join(directory, 'sftp'),
        dropStore: path.join(directory, 'drops'),
        signingKey: null,
      });
      expect(await recordsByMember()).toEqual({ M02: 4, M03: 3 });

      // The restore: the pool file from the backup, the control plane as it is.
      await warehouse.close();
      await rm(`${poolPath()}.wal`, { force: true });
      await copyFile(backup, poolPath());
      warehouse = await open();
      expect(await recordsByMember()).toEqual({ M01: 6, M02: 4, M03: 3 });

      const changes = await build('operator');
      expect(await recordsByMember()).toEqual({ M02: 4, M03: 3 });
      expect(changes.offboardedMembers).toEqual([
        { memberCode: 'M01', records: 6, heldRecords: 0, transactions: 6, personsRemoved: 6 },
      ]);
      const deleted = (await auditEvents('member.data_deleted')).filter(
        (event) => event.details.reason === 'offboarded_member_found_again',
      );
      expect(deleted).toHaveLength(1);
      expect(deleted[0]).toMatchObject({
        organisationCode: 'M01',
        objectType: 'organisation',
        details: { trigger: 'operator', records: 6, transactions: 6, personsRemoved: 6 },
      });
      expect(JSON.stringify(deleted[0]?.details)).not.toContain('QWXGONE');
      // The deleted bytes left the file: it was rewritten for the offboarding's deletion.
      const built = (await auditEvents('pool.built')).at(-1);
      expect(changes.rewrite?.reasons).toContain('offboarding');
      expect(built?.details).toMatchObject({ poolRewrite: { reasons: ['offboarding'] } });
      expect((await findValuesInPoolFiles(warehouse, ['QWXGONE1Z', 'RESTE1Z'])).found).toEqual([
        'RESTE1Z',
      ]);

      // Nothing left of it: the next pass deletes nothing and audits nothing more.
      expect((await build('housekeeping')).offboardedMembers).toEqual([]);
      expect(await auditEvents('member.data_deleted')).toHaveLength(2);
    });

    it('leaves alone a member whose offboarding has not reached its deletion (still exporting)', async () => {
      // As the offboarding leaves it between its status change and its export's end.
      await updateOrganisation(ctx, actor, 'M03', { status: 'offboarded' });
      const changes = await build('housekeeping');
      expect(changes.offboardedMembers).toEqual([]);
      expect(await recordsByMember()).toEqual({ M02: 4, M03: 3 });
    });
  },
);
