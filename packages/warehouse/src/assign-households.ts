import type { DuckDBConnection } from '@duckdb/node-api';
import { allocateIds } from './allocate-ids.ts';
import { appendRows } from './append-rows.ts';
import { assignStableIds, type TRetiredId } from './assign-stable-ids.ts';

/** What a household pass did, in counts. */
export interface THouseholdChanges {
  personsPlaced: number;
  householdsCreated: number;
  householdsMerged: number;
  householdsGone: number;
}

/**
 * Groups persons into households ("foyers"): persons whose current dwelling —
 * the dwelling key (address key plus building and apartment) of their most
 * recently active record — is the same. Household IDs are stable like person
 * IDs. Incremental: only the persons in TEMP table `ir_touched_persons`, the persons
 * whose current dwelling may have moved with their activity (those of
 * `activityChangedTable`'s customers with records at more than one dwelling), and the
 * persons sharing a dwelling or a household with them are regrouped; `full` regroups
 * everyone. Runs inside the caller's transaction.
 *
 * @example
 * await assignHouseholds({ connection, now });
 * await assignHouseholds({ connection, activityChangedTable: 'd1_affected', now });
 */
export async function assignHouseholds(options: {
  connection: DuckDBConnection;
  full?: boolean;
  /**
   * TEMP table (member_code, customer_id) of customers whose records or transactions the
   * caller changed: a newer transaction can make another of the person's records the most
   * recently active one, and so move the person to that record's dwelling.
   */
  activityChangedTable?: string | null;
  now: Date;
}): Promise<THouseholdChanges> {
  const { connection } = options;
  const at = options.now.toISOString();
  // Current dwelling of every person in play: the address of their most recently active
  // record, and at that address the most detailed dwelling their records give (a member
  // may omit the building or apartment line another one has).
  const dwellingOf = (personFilter: string) => `
    WITH recs AS (
      SELECT r.person_id, r.address_key, r.dwelling_key,
        (r.building_key IS NOT NULL)::INT + (r.complement_key IS NOT NULL)::INT AS detail,
        coalesce(a.last_transaction, r.created_at) AS active_on, r.record_id
      -- Persons filtered before the activity join, not after it over the whole pool.
      FROM (SELECT * FROM member_records r
        WHERE r.dwelling_key IS NOT NULL AND r.person_id IS NOT NULL ${personFilter}) r
      LEFT JOIN record_activity a USING (member_code, customer_id)
    ), dated AS (
      -- A record with no date at all ranks nowhere.
      SELECT * FROM recs WHERE active_on IS NOT NULL
    ), current_address AS (
      -- Latest activity, then highest record ID. Windows rather than arg_max over strings
      -- and structs: with arg_max a member's first base of 2M records ran out of the 1GB
      -- limit here (its states did not spill); windows spill.
      SELECT person_id, address_key FROM dated
      QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY active_on DESC, record_id DESC) = 1
    )
    SELECT c.person_id, c.address_key, r.dwelling_key
    FROM current_address c JOIN dated r USING (person_id, address_key)
    QUALIFY row_number() OVER (
      PARTITION BY c.person_id ORDER BY r.detail DESC, r.active_on DESC, r.record_id DESC) = 1`;
  /** The address part of a dwelling key (it ends with `|building|complement`). */
  const addressOf = (dwellingSql: string) =>
    `regexp_replace(${dwellingSql}, '\\|[^|]*\\|[^|]*$', '')`;
  if (options.full) {
    await connection.run(`CREATE OR REPLACE TEMP TABLE hh_scope AS SELECT person_id FROM persons`);
  } else {
    // The persons resolution touched, and those whose dwelling may follow their activity:
    // only a person with records at two dwellings or more can move that way.
    await connection.run(`CREATE OR REPLACE TEMP TABLE hh_seed_persons AS
      SELECT person_id FROM ir_touched_persons WHERE person_id IS NOT NULL
      ${
        options.activityChangedTable
          ? `UNION
      SELECT person_id FROM member_records
      WHERE dwelling_key IS NOT NULL AND person_id IN (
        SELECT r.person_id FROM member_records r
        JOIN ${options.activityChangedTable} a ON a.member_code = r.member_code AND a.customer_id = r.customer_id)
      GROUP BY person_id HAVING count(DISTINCT dwelling_key) > 1`
          : ''
      }`);
    await connection.run(`CREATE OR REPLACE TEMP TABLE hh_touched_addresses AS
      SELECT address_key FROM (${dwellingOf('AND r.person_id IN (SELECT person_id FROM hh_seed_persons)')})
      UNION
      SELECT ${addressOf('dwelling_key')} FROM persons
      WHERE person_id IN (SELECT person_id FROM hh_seed_persons) AND dwelling_key IS NOT NULL
      UNION
      SELECT ${addressOf('dwelling_key')} FROM ir_gone_households WHERE dwelling_key IS NOT NULL`);
    await connection.run(`CREATE OR REPLACE TEMP TABLE hh_scope AS
      SELECT person_id FROM persons WHERE person_id IN (SELECT person_id FROM hh_seed_persons)
      UNION
      SELECT person_id FROM persons
      WHERE ${addressOf('dwelling_key')} IN (SELECT address_key FROM hh_touched_addresses)
      UNION
      SELECT person_id FROM persons WHERE household_id IN (
        SELECT household_id FROM persons WHERE person_id IN (SELECT person_id FROM hh_seed_persons)
        UNION SELECT household_id FROM ir_gone_households)`);
  }
  // A person whose records leave out the building or the flat joins the one more
  // detailed dwelling at that address that agrees with what they do say, when there is
  // exactly one; with several candidates they stay where they are.
  await connection.run(`CREATE OR REPLACE TEMP TABLE hh_people AS
    WITH placed AS (
      SELECT *, string_split(dwelling_key, '|') AS parts
      FROM (${dwellingOf('AND r.person_id IN (SELECT person_id FROM hh_scope)')})
    ), dwellings AS (
      SELECT DISTINCT address_key, dwelling_key, parts FROM placed
    ), candidates AS (
      SELECT p.person_id, d.dwelling_key
      FROM placed p JOIN dwellings d USING (address_key)
      WHERE d.dwelling_key <> p.dwelling_key
        AND (p.parts[3] = '' OR p.parts[3] = d.parts[3])
        AND (p.parts[4] = '' OR p.parts[4] = d.parts[4])
    ), single AS (
      SELECT person_id, min(dwelling_key) AS dwelling_key FROM candidates
      GROUP BY person_id HAVING count(*) = 1
    ), chosen AS (
      SELECT p.person_id, coalesce(s.dwelling_key, p.dwelling_key) AS dwelling_key
      FROM placed p LEFT JOIN single s USING (person_id)
    )
    SELECT (row_number() OVER (ORDER BY p.person_id) - 1)::INTEGER AS idx, p.person_id,
      p.household_id AS previous_household_id, d.dwelling_key,
      dense_rank() OVER (ORDER BY d.dwelling_key) AS dwelling_rank
    FROM persons p
    LEFT JOIN chosen d USING (person_id)
    WHERE p.person_id IN (SELECT person_id FROM hh_scope)`);
  // Whether each person has a dwelling, not the key itself: a full build reads 1M rows.
  const [hasDwelling = [], previous = [], ranks = []] = (
    await connection.runAndReadAll(
      `SELECT dwelling_key IS NOT NULL, CAST(previous_household_id AS DOUBLE), CAST(dwelling_rank AS DOUBLE)
       FROM hh_people ORDER BY idx`,
    )
  ).getColumnsJS() as [boolean[]?, (number | null)[]?, number[]?];
  const count = hasDwelling.length;
  const placed: number[] = [];
  for (let index = 0; index < count; index++) if (hasDwelling[index]) placed.push(index);
  const orphaned = (
    await connection.runAndReadAll(
      options.full
        ? 'SELECT CAST(household_id AS DOUBLE) FROM households'
        : 'SELECT CAST(household_id AS DOUBLE) FROM ir_gone_households',
    )
  ).getColumnsJS()[0] as number[] | undefined;
  const ids = await allocateIds(connection, 'household');
  const assignment = assignStableIds({
    clusterOf: placed.map((index) => ranks[index] as number),
    previousIdOf: placed.map((index) => previous[index] ?? null),
    affectedPreviousIds: [
      ...previous.filter((id): id is number => id !== null),
      ...(orphaned ?? []),
    ],
    nextId: ids.next,
  });
  await ids.commit(assignment.created.length);

  await connection.run('CREATE OR REPLACE TEMP TABLE hh_assign (idx INTEGER, household_id BIGINT)');
  await appendRows(connection, 'hh_assign', placed.length, (position) => [
    placed[position] as number,
    assignment.idOf[position] as number,
  ]);
  await connection.run(
    `UPDATE persons p SET household_id = a.household_id, dwelling_key = h.dwelling_key,
      updated_at = CAST($1 AS TIMESTAMP)
    FROM hh_people h LEFT JOIN hh_assign a ON a.idx = h.idx
    WHERE p.person_id = h.person_id
      AND (p.household_id IS DISTINCT FROM a.household_id OR p.dwelling_key IS DISTINCT FROM h.dwelling_key)`,
    [at],
  );
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE hh_retired (household_id BIGINT, successor_id BIGINT, reason VARCHAR)',
  );
  await appendRows(connection, 'hh_retired', assignment.retired.length, (index) => {
    const entry = assignment.retired[index] as TRetiredId;
    return [entry.id, entry.successorId, entry.reason];
  });
  await connection.run(
    `INSERT INTO retired_ids SELECT 'household', household_id, successor_id, reason, CAST($1 AS TIMESTAMP) FROM hh_retired`,
    [at],
  );
  // Rewrite the households in scope from their persons (created ones keep today's date).
  await connection.run(`CREATE OR REPLACE TEMP TABLE hh_kept AS
    SELECT household_id, created_at FROM households
    WHERE household_id IN (SELECT household_id FROM hh_assign UNION SELECT household_id FROM hh_retired)`);
  await connection.run(
    `DELETE FROM households WHERE household_id IN (SELECT household_id FROM hh_kept)`,
  );
  await connection.run(
    `INSERT INTO households (household_id, dwelling_key, person_count, created_at, updated_at)
     SELECT p.household_id, any_value(p.dwelling_key), count(*),
       coalesce(any_value(k.created_at), CAST($1 AS TIMESTAMP)), CAST($1 AS TIMESTAMP)
     FROM persons p LEFT JOIN hh_kept k USING (household_id)
     WHERE p.household_id IN (SELECT household_id FROM hh_assign)
     GROUP BY p.household_id`,
    [at],
  );
  return {
    personsPlaced: placed.length,
    householdsCreated: assignment.created.length,
    householdsMerged: assignment.retired.filter((entry) => entry.reason === 'merged').length,
    householdsGone: assignment.retired.filter((entry) => entry.reason === 'gone').length,
  };
}
