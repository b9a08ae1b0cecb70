import { type DuckDBConnection, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { TWarehouse } from './open-warehouse.ts';
import { markOppositions, type TRepoussoirHash } from './refresh-oppositions.ts';

/**
 * Mirrors the control plane's active repoussoir entries into `repoussoir_hashes`
 * and recomputes the persons they mark (`person_oppositions`, what counts read),
 * on the writer and in one transaction, only when `fingerprint` differs from the
 * one last mirrored (the pool build clears it): a count then costs one read and
 * no write — and never waits for a load holding the writer — when nothing
 * changed. Returns whether it replaced the mirror.
 *
 * @example
 * await syncRepoussoirHashes(warehouse, { fingerprint, load: () => listActiveRepoussoirHashes(ctx) });
 */
export async function syncRepoussoirHashes(
  warehouse: TWarehouse,
  input: { fingerprint: string; load: () => Promise<readonly TRepoussoirHash[]> },
): Promise<boolean> {
  const reader = await warehouse.connect();
  try {
    if ((await storedFingerprint(reader)) === input.fingerprint) return false;
  } finally {
    reader.closeSync();
  }
  return warehouse.withWriter(async (connection) => {
    if ((await storedFingerprint(connection)) === input.fingerprint) return false;
    const entries = await input.load();
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run('DELETE FROM repoussoir_hashes');
      await connection.run(
        `INSERT INTO repoussoir_hashes
         SELECT unnest($kinds), unnest($hmacs), unnest($scopes)`,
        {
          kinds: listValue(entries.map((entry) => entry.kind)),
          hmacs: listValue(entries.map((entry) => entry.hmac)),
          scopes: listValue(entries.map((entry) => entry.scope)),
        },
        { kinds: LIST(VARCHAR), hmacs: LIST(VARCHAR), scopes: LIST(VARCHAR) },
      );
      await markOppositions(connection, 'repoussoir_hashes');
      await connection.run('DELETE FROM repoussoir_sync');
      await connection.run(
        'INSERT INTO repoussoir_sync VALUES ($fingerprint, current_timestamp::TIMESTAMP)',
        { fingerprint: input.fingerprint },
      );
      await connection.run('COMMIT');
      return true;
    } catch (error) {
      await connection.run('ROLLBACK');
      throw error;
    }
  });
}

async function storedFingerprint(connection: DuckDBConnection): Promise<unknown> {
  return (
    await connection.runAndReadAll('SELECT fingerprint FROM repoussoir_sync LIMIT 1')
  ).getRowsJS()[0]?.[0];
}
