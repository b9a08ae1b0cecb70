import { identityConflict } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import { allocateIds } from './allocate-ids.ts';
import { appendRows } from './append-rows.ts';
import { assignStableIds, type TRetiredId } from './assign-stable-ids.ts';
import { clusterRecords } from './cluster-records.ts';
import { IDENTITY_FIELDS } from './merge-staged-customers.ts';
import { readColumnsInterned } from './read-columns-interned.ts';
import {
  blockingKeysSql,
  blockNeighboursSql,
  MAX_BLOCK_SIZE,
  oversizedBlocksSql,
  scoreCandidatePairsSql,
} from './score-candidate-pairs-sql.ts';

export interface ResolveIdentitiesOptions {
  connection: DuckDBConnection;
  /** TEMP table of (record_id, previous person_id) that changed; ignored when `full`. */
  changedRecordsTable: string | null;
  /** Re-resolve the whole pool rather than what the change touches. */
  full?: boolean;
  now: Date;
}

/** What a resolution did, in counts. */
export interface TIdentityChanges {
  recordsResolved: number;
  links: number;
  personsCreated: number;
  personsMerged: number;
  personsGone: number;
}

/**
 * Resolves member records into persons inside the caller's transaction:
 * blocking (same email, mobile, landline, postcode + phonetic last name + first
 * initial, birth date + phonetic last name, address), Fellegi–Sunter scoring of
 * the candidate pairs in DuckDB SQL, then clustering strongest-link-first with
 * the identity guards as cannot-link constraints, and stable person IDs.
 * Incremental: it re-resolves the changed records, the persons they belonged
 * to and the persons of every record sharing a block with them; everything else
 * keeps its person untouched. Leaves the TEMP tables `ir_touched_persons`
 * (person_id: created, changed or gone) and `ir_gone_households` (the
 * households of persons that disappeared) for the household pass.
 *
 * @example
 * await resolveIdentities({ connection, changedRecordsTable: 'd_1_changed', now });
 */
export async function resolveIdentities(
  options: ResolveIdentitiesOptions,
): Promise<TIdentityChanges> {
  const { connection } = options;
  const changed = options.changedRecordsTable;
  // Resolution reads only the identity fields: copying whole records would move every
  // column of the scope (all of the pool in a full build) for nothing.
  const nodeColumns = ['record_id', 'person_id', ...IDENTITY_FIELDS]
    .map((column) => `r.${column}`)
    .join(', ');
  // 1. The records to resolve again.
  if (options.full || !changed) {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ir_scope AS SELECT record_id FROM member_records`,
    );
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ir_previous_persons AS SELECT person_id FROM persons`,
    );
  } else {
    // The changed records, and the other records of their persons: a record removed or
    // changed may have been what kept its person apart from a neighbour of theirs (a guard
    // conflict), and the removed one has no row left to find that neighbour from.
    await connection.run(`CREATE OR REPLACE TEMP TABLE ir_seed_nodes AS
      SELECT ${nodeColumns} FROM member_records r WHERE r.record_id IN (SELECT record_id FROM ${changed})
        OR r.person_id IN (SELECT person_id FROM ${changed} WHERE person_id IS NOT NULL)`);
    // Persons the change touches: those the changed records belonged to, and those of any
    // record sharing a block with a changed record.
    await connection.run(`CREATE OR REPLACE TEMP TABLE ir_previous_persons AS
      SELECT person_id FROM ${changed} WHERE person_id IS NOT NULL
      UNION
      SELECT person_id FROM (${blockNeighboursSql('ir_seed_nodes', 'member_records')})
      WHERE person_id IS NOT NULL`);
    await connection.run(`CREATE OR REPLACE TEMP TABLE ir_scope AS
      SELECT record_id FROM ir_seed_nodes
      UNION
      SELECT record_id FROM member_records WHERE person_id IN (SELECT person_id FROM ir_previous_persons)`);
  }

  // 2. Nodes (dense indices) and candidate pairs within the scope.
  await connection.run(`CREATE OR REPLACE TEMP TABLE ir_nodes AS
    SELECT (row_number() OVER (ORDER BY r.record_id) - 1)::INTEGER AS idx, ${nodeColumns}
    FROM member_records r WHERE r.record_id IN (SELECT record_id FROM ir_scope)`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE ir_keys AS ${blockingKeysSql('ir_nodes')}`);
  // A block is skipped by its size in the whole pool, as a full build (whose scope is the
  // pool) skips it: the scope may hold only two records of a block of thousands.
  const incremental = !(options.full || !changed);
  if (incremental) {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ir_oversized AS ${oversizedBlocksSql('ir_nodes', 'member_records')}`,
    );
  }
  await connection.run(`CREATE OR REPLACE TEMP TABLE ir_pairs AS
    WITH usable AS (
      SELECT idx, block FROM ir_keys
      WHERE block IN (SELECT block FROM ir_keys GROUP BY block HAVING count(*) BETWEEN 2 AND ${MAX_BLOCK_SIZE})
      ${incremental ? 'AND block NOT IN (SELECT block FROM ir_oversized)' : ''}
    )
    SELECT DISTINCT a.idx AS i, b.idx AS j FROM usable a JOIN usable b ON a.block = b.block AND a.idx < b.idx`);
  const links = (
    await connection.runAndReadAll(scoreCandidatePairsSql('ir_pairs', 'ir_nodes'))
  ).getColumnsJS() as number[][];
  // Interned: civilities, first names and birth dates repeat across the scope (1M rows in a full build).
  const nodes = (await readColumnsInterned(
    connection,
    `SELECT civility, first_name_key, CAST(birth_date AS VARCHAR), CAST(person_id AS DOUBLE)
     FROM ir_nodes ORDER BY idx`,
  )) as [(string | null)[]?, (string | null)[]?, (string | null)[]?, (number | null)[]?];
  const [civilities = [], firstNames = [], birthDates = [], previousPersons = []] = nodes;
  const recordCount = civilities.length;

  // 3. Cluster with the guards as cannot-link constraints, then give stable IDs.
  const guardOf = (index: number) => ({
    civility: (civilities[index] ?? null) as 'M' | 'MME' | null,
    firstNameKey: firstNames[index] ?? null,
    birthDate: birthDates[index] ?? null,
  });
  const labels = clusterRecords({
    recordCount,
    edges: { from: links[0] ?? [], to: links[1] ?? [], weight: links[2] ?? [] },
    conflict: (a, b) => identityConflict(guardOf(a), guardOf(b)),
  });
  const previousIds = (
    await connection.runAndReadAll('SELECT CAST(person_id AS DOUBLE) FROM ir_previous_persons')
  ).getColumnsJS()[0] as number[] | undefined;
  const ids = await allocateIds(connection, 'person');
  const assignment = assignStableIds({
    clusterOf: labels,
    previousIdOf: previousPersons,
    affectedPreviousIds: previousIds ?? [],
    nextId: ids.next,
  });
  await ids.commit(assignment.created.length);

  // 4. Write back: records, persons, retired IDs.
  await connection.run('CREATE OR REPLACE TEMP TABLE ir_assign (idx INTEGER, person_id BIGINT)');
  await appendRows(connection, 'ir_assign', recordCount, (index) => [
    index,
    assignment.idOf[index] as number,
  ]);
  await connection.run(`UPDATE customer_records m SET person_id = a.person_id
    FROM ir_assign a JOIN ir_nodes n ON n.idx = a.idx
    WHERE m.record_id = n.record_id AND m.person_id IS DISTINCT FROM a.person_id`);
  await recordPersonChanges(connection, assignment.retired, assignment.created, options.now);
  // Records that left a person for another that is not its successor (a split): what the
  // pool remembers of the first (delivered to a client, supplied by a member) concerns them
  // too (copySplitPersonRows).
  await connection.run(`CREATE OR REPLACE TEMP TABLE ir_split AS
    SELECT DISTINCT n.person_id AS previous_id, a.person_id AS person_id
    FROM ir_assign a JOIN ir_nodes n ON n.idx = a.idx
    WHERE n.person_id IS NOT NULL AND n.person_id <> a.person_id
      AND NOT EXISTS (SELECT 1 FROM ir_retired r WHERE r.person_id = n.person_id
        AND r.reason = 'merged' AND r.successor_id = a.person_id)`);
  return {
    recordsResolved: recordCount,
    links: links[0]?.length ?? 0,
    personsCreated: assignment.created.length,
    personsMerged: assignment.retired.filter((entry) => entry.reason === 'merged').length,
    personsGone: assignment.retired.filter((entry) => entry.reason === 'gone').length,
  };
}

async function recordPersonChanges(
  connection: DuckDBConnection,
  retired: TRetiredId[],
  created: number[],
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE ir_retired (person_id BIGINT, successor_id BIGINT, reason VARCHAR)',
  );
  await appendRows(connection, 'ir_retired', retired.length, (index) => {
    const entry = retired[index] as TRetiredId;
    return [entry.id, entry.successorId, entry.reason];
  });
  await connection.run('CREATE OR REPLACE TEMP TABLE ir_created (person_id BIGINT)');
  await appendRows(connection, 'ir_created', created.length, (index) => [created[index] as number]);
  await connection.run(
    `INSERT INTO retired_ids SELECT 'person', person_id, successor_id, reason, CAST($1 AS TIMESTAMP) FROM ir_retired`,
    [at],
  );
  // Their households must be regrouped even though the persons are gone.
  await connection.run(`CREATE OR REPLACE TEMP TABLE ir_gone_households AS
    SELECT household_id, dwelling_key FROM persons
    WHERE person_id IN (SELECT person_id FROM ir_retired) AND household_id IS NOT NULL`);
  await connection.run('DELETE FROM persons WHERE person_id IN (SELECT person_id FROM ir_retired)');
  await connection.run(
    `INSERT INTO persons (person_id, household_id, dwelling_key, created_at, updated_at)
     SELECT person_id, NULL, NULL, CAST($1 AS TIMESTAMP), CAST($1 AS TIMESTAMP) FROM ir_created`,
    [at],
  );
  await connection.run(`CREATE OR REPLACE TEMP TABLE ir_touched_persons AS
    SELECT DISTINCT person_id FROM ir_assign
    UNION SELECT person_id FROM ir_retired`);
  await connection.run(
    `UPDATE persons SET updated_at = CAST($1 AS TIMESTAMP)
     WHERE person_id IN (SELECT person_id FROM ir_assign) AND updated_at < CAST($1 AS TIMESTAMP)`,
    [at],
  );
}
