import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compactWarehouse } from './compact-warehouse.ts';
import { findValuesInPoolFiles } from './find-values-in-pool-files.ts';
import { markPoolRewriteDue } from './mark-pool-rewrite-due.ts';
import { openWarehouse, type TWarehouse } from './open-warehouse.ts';
import { insertFixtureRecords } from './testing/insert-pool-fixtures.ts';

const count = 120;
const emailOf = (member: string, index: number) =>
  `canary.${member.toLowerCase()}.${index}@example-offboarding.test`;

describe('compactWarehouse', () => {
  let directory = '';
  let warehouse: TWarehouse | null = null;
  afterEach(async () => {
    await warehouse?.close().catch(() => undefined);
    warehouse = null;
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('rewrites the file so deleted rows are gone from its bytes, keeping everything else', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-compact-test-'));
    const databasePath = path.join(directory, 'pool.duckdb');
    // Unencrypted, so that a byte search can see values at all.
    warehouse = await openWarehouse({ databasePath, encryptionKey: null, threads: 1 });
    const open = warehouse;
    await open.withWriter(async (connection) => {
      const records = ['M01', 'M02'].flatMap((member, memberIndex) =>
        Array.from({ length: count }, (_, index) => ({
          recordId: memberIndex * count + index + 1,
          personId: memberIndex * count + index + 1,
          memberCode: member,
          customerId: `${member}-CUST-${String(index).padStart(6, '0')}`,
          createdAt: '2026-01-01',
          lastName: `ZYXNAME${member}${index}`,
          email: emailOf(member, index),
        })),
      );
      await insertFixtureRecords(connection, records);
      await connection.run("SELECT nextval('record_id_seq') FROM range(500)");
      await connection.run('CHECKPOINT pool');
      await connection.run("DELETE FROM customer_records WHERE member_code = 'M01'");
      await markPoolRewriteDue(connection, 'offboarding', new Date('2026-12-01T00:00:00Z'));
      await connection.run('CHECKPOINT pool');
    });
    const reader = await open.connect();

    const compaction = await compactWarehouse(open);

    const bytes = readFileSync(databasePath);
    const gone = Array.from({ length: count }, (_, index) => emailOf('M01', index));
    const kept = Array.from({ length: count }, (_, index) => emailOf('M02', index));
    expect(gone.filter((value) => bytes.includes(Buffer.from(value)))).toEqual([]);
    // The search can see values: every kept one is in the bytes.
    expect(kept.filter((value) => bytes.includes(Buffer.from(value)))).toHaveLength(count);
    expect((await findValuesInPoolFiles(open, [...gone, kept[0] as string])).found).toEqual([
      kept[0],
    ]);
    expect(compaction.sha256).toMatch(/^[0-9a-f]{64}$/);
    // A reader opened before the swap reads the new file; the sequence went on.
    const rows = (
      await reader.runAndReadAll(
        "SELECT count(*), min(member_code), nextval('record_id_seq') > 500 FROM member_records",
      )
    ).getRowsJS();
    expect(rows[0]).toEqual([BigInt(count), 'M02', true]);
    // The fresh file holds no deleted bytes: no rewrite is due any more.
    expect(
      (await reader.runAndReadAll('SELECT count(*) FROM pool_rewrite_due')).getRowsJS(),
    ).toEqual([[0n]]);
    reader.closeSync();

    await open.close();
    warehouse = await openWarehouse({ databasePath, encryptionKey: null, threads: 1 });
    const connection = await warehouse.connect();
    const migrations = (
      await connection.runAndReadAll('SELECT count(*) FROM schema_migrations')
    ).getRowsJS();
    connection.closeSync();
    expect(Number(migrations[0]?.[0])).toBeGreaterThanOrEqual(6);
  }, 60_000);
});
