import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
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
  /** An unencrypted pool file in a fresh directory holding one record. */
  const openOneRecordPool = async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'alliage-compact-test-'));
    const open = await openWarehouse({
      databasePath: path.join(directory, 'pool.duckdb'),
      encryptionKey: null,
      threads: 1,
    });
    warehouse = open;
    await open.withWriter((connection) =>
      insertFixtureRecords(connection, [
        {
          recordId: 1,
          personId: 1,
          memberCode: 'M01',
          customerId: 'M01-1',
          createdAt: '2026-01-01',
        },
      ]),
    );
    return open;
  };
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
    // A reader open when the compaction starts: the swap waits for it to close.
    const early = await open.connect();
    const compacting = compactWarehouse(open);
    let swapped = false;
    void compacting.then(() => {
      swapped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(swapped).toBe(false);
    expect((await early.runAndReadAll('SELECT count(*) FROM member_records')).getRowsJS()).toEqual([
      [BigInt(count)],
    ]);
    early.closeSync();
    const compaction = await compacting;
    const reader = await open.connect();

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
    // The sequence went on in the new file.
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

  it('lets readers open while the file is swapped: they wait for the new file instead of failing', async () => {
    const open = await openOneRecordPool();
    // Readers open and read in a loop for as long as each compaction runs: one that opened
    // while the old file was detached used to fail ("No catalog + schema named pool").
    const failures: string[] = [];
    let reads = 0;
    for (let round = 0; round < 8; round += 1) {
      let compacting = true;
      const readers = Array.from({ length: 4 }, async () => {
        while (compacting) {
          try {
            const reader = await open.connect();
            try {
              const rows = (
                await reader.runAndReadAll('SELECT count(*) FROM member_records')
              ).getRowsJS();
              expect(rows).toEqual([[1n]]);
              reads += 1;
            } finally {
              reader.closeSync();
            }
          } catch (error) {
            failures.push(error instanceof Error ? error.message : String(error));
          }
        }
      });
      await compactWarehouse(open).finally(() => {
        compacting = false;
      });
      await Promise.all(readers);
    }
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(0);
  }, 60_000);

  it('gives up with a retryable conflict when a reader stays open, leaving the pool as it was', async () => {
    const open = await openOneRecordPool();
    const held = await open.connect();

    await expect(compactWarehouse(open, { readerWaitMs: 200 })).rejects.toMatchObject({
      code: 'conflict',
      retry: true,
    });

    expect((await readdir(directory)).filter((name) => name.includes('.compact-'))).toEqual([]);
    expect((await held.runAndReadAll('SELECT count(*) FROM member_records')).getRowsJS()).toEqual([
      [1n],
    ]);
    held.closeSync();
    // Readers and the writer go on; the next compaction, with no reader open, swaps.
    const reader = await open.connect();
    expect((await reader.runAndReadAll('SELECT count(*) FROM member_records')).getRowsJS()).toEqual(
      [[1n]],
    );
    reader.closeSync();
    await expect(compactWarehouse(open, { readerWaitMs: 200 })).resolves.toMatchObject({
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  }, 60_000);
});
