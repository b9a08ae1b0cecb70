import { CUSTOMER_COLUMNS, type TDialectProfile } from '@alliage/domain';
import {
  dwellingPartKey,
  EMAIL_SYNTAX,
  latestAcceptedDate,
  MAX_IDENTIFIER_LENGTH,
  mapCivility,
  normalizePersonName,
  normalizePhone,
  normalizePostcode,
  parseMemberDate,
  parseOptin,
  parseStreetLine,
  postalPlaceKey,
  resolveCommune,
} from '@alliage/normalize';
import type { DuckDBConnection } from '@duckdb/node-api';
import { mapDistinctValues, mapFieldResults } from './map-distinct-values.ts';
import { repeatedKeyErrorsSql } from './repeated-key-errors-sql.ts';
import { sqlIdentifier, sqlString } from './sql-literal.ts';

export interface NormalizeStagedOptions {
  connection: DuckDBConnection;
  /** `stage.<table>` from `stageMemberFile`. */
  stagedTable: string;
  /** Canonical columns present in the file. */
  columns: string[];
  dialect: TDialectProfile;
  /** Prefix of the stage tables this drop creates. */
  prefix: string;
  /**
   * The day the file was received: the collection date of records whose file has no
   * `created_at` (flagged `created_at_from_reception`: the merge keeps a known
   * customer's earlier date), and the bound (plus a day) of every date in the file.
   */
  receivedDate: string;
}

/**
 * Validates and normalises staged customer rows in bulk into
 * `stage.<prefix>_customers` (one row per file line, with `accepted`) and lists
 * every problem in `stage.<prefix>_errors` (line, column, reason, fatal). The
 * per-field rules are `@alliage/normalize`'s functions, run once per distinct
 * value; the email syntax check is the same pattern run by DuckDB. A row is
 * rejected (fatal) for a missing or repeated customer_id, an unreadable or future
 * created_at or no contact point left; an invalid optional field (civility,
 * email, phone, birth date — a future one too —, opt-in, postcode) is dropped and
 * reported. "Future" is after `latestAcceptedDate(receivedDate)`, as in the row schema.
 *
 * @example
 * await normalizeStagedCustomers({ connection, stagedTable, columns, dialect, prefix: 'd1', receivedDate: '2026-11-23' });
 */
export async function normalizeStagedCustomers(options: NormalizeStagedOptions): Promise<void> {
  const { connection, prefix } = options;
  const present = new Set(options.columns);
  // Staging trimmed the fields already (blank as NULL).
  const raw = (column: string) => (present.has(column) ? sqlIdentifier(column) : 'NULL::VARCHAR');
  const t = (suffix: string) => `stage.${sqlIdentifier(`${prefix}_${suffix}`)}`;
  const name = (suffix: string) => `${prefix}_${suffix}`;
  const dateOptions = { notAfter: latestAcceptedDate(options.receivedDate) };

  // 1. One row per line, every canonical column present (NULL when the file lacks it): a
  // view of the staged table, not a copy, so one copy of the rows lives at a time.
  await connection.run(`CREATE OR REPLACE VIEW ${t('input')} AS
    SELECT line, ${CUSTOMER_COLUMNS.map((column) => `${raw(column)} AS ${column}`).join(', ')}
    FROM ${options.stagedTable}`);
  const distinct = (...columns: string[]) =>
    `SELECT DISTINCT v FROM (${columns
      .map((column) => `SELECT ${column} AS v FROM ${t('input')} WHERE ${column} IS NOT NULL`)
      .join(' UNION ALL ')})`;

  // 2. The pure normalisers, once per distinct value.
  await mapFieldResults({
    connection,
    distinctSql: distinct('civility'),
    table: name('civility_map'),
    value: { name: 'civility', type: 'VARCHAR' },
    map: (raw) => mapCivility(raw),
  });
  await mapDistinctValues({
    connection,
    distinctSql: distinct('first_name', 'last_name'),
    table: name('name_map'),
    outputs: [
      { name: 'display', type: 'VARCHAR' },
      { name: 'match_key', type: 'VARCHAR' },
      { name: 'phonetic', type: 'VARCHAR' },
    ],
    map: ([value]) => normalizePersonName(value ?? ''),
    toValues: (result) =>
      result ? [result.display, result.match, result.phonetic] : [null, null, null],
  });
  // One lookup per phone column: the join back holds a hash table of each lookup it uses,
  // and a lookup shared by both columns (1.8M numbers for a base of 2M customers) was held
  // twice; a number in both columns is rare, so normalising it twice costs nothing.
  for (const column of ['phone_mobile', 'phone_landline']) {
    await mapDistinctValues({
      connection,
      distinctSql: distinct(column),
      table: name(`${column}_map`),
      outputs: [
        { name: 'e164', type: 'VARCHAR' },
        { name: 'phone_type', type: 'VARCHAR' },
        { name: 'reason', type: 'VARCHAR' },
      ],
      map: ([value]) => normalizePhone(value ?? ''),
      toValues: (result) =>
        result.ok
          ? [result.value?.e164 ?? null, result.value?.type ?? null, null]
          : [null, null, result.reason],
    });
  }
  await mapFieldResults({
    connection,
    distinctSql: distinct('birth_date', 'created_at'),
    table: name('date_map'),
    value: { name: 'iso', type: 'VARCHAR' },
    // Birth and collection dates share one rule (none after the reception day), so one lookup serves both.
    map: (raw) => parseMemberDate(raw, options.dialect.dateFormat, dateOptions),
  });
  await mapFieldResults({
    connection,
    distinctSql: distinct('optin_email', 'optin_sms', 'optin_phone'),
    table: name('optin_map'),
    value: { name: 'consent', type: 'BOOLEAN' },
    map: (raw) => parseOptin(raw),
    invalidValue: false,
  });
  await mapFieldResults({
    connection,
    distinctSql: distinct('postcode'),
    table: name('postcode_map'),
    value: { name: 'postcode', type: 'VARCHAR' },
    map: (raw) => normalizePostcode(raw),
  });
  await mapDistinctValues({
    connection,
    distinctSql: `SELECT DISTINCT p.postcode, i.city FROM ${t('input')} i
      LEFT JOIN ${t('postcode_map')} p ON p.in_0 = i.postcode
      WHERE p.postcode IS NOT NULL OR i.city IS NOT NULL`,
    table: name('commune_map'),
    outputs: [
      { name: 'insee_code', type: 'VARCHAR' },
      { name: 'commune_status', type: 'VARCHAR' },
    ],
    map: ([postcode, city]) => resolveCommune({ postcode: postcode ?? null, city: city ?? null }),
    toValues: (result) =>
      result.status === 'matched' ? [result.commune.inseeCode, 'matched'] : [null, result.reason],
  });
  await mapDistinctValues({
    connection,
    distinctSql: distinct('street'),
    table: name('street_map'),
    outputs: [
      { name: 'house_number', type: 'VARCHAR' },
      { name: 'number_suffix', type: 'VARCHAR' },
      { name: 'street_type', type: 'VARCHAR' },
      { name: 'street_name', type: 'VARCHAR' },
      { name: 'street_key', type: 'VARCHAR' },
    ],
    map: ([value]) => parseStreetLine(value ?? ''),
    toValues: (street) =>
      street
        ? [
            street.houseNumber,
            street.numberSuffix,
            street.streetType,
            street.streetName,
            street.matchKey,
          ]
        : [null, null, null, null, null],
  });
  await mapDistinctValues({
    connection,
    distinctSql: distinct('address_building', 'address_complement', 'address_locality'),
    table: name('part_map'),
    outputs: [{ name: 'part_key', type: 'VARCHAR' }],
    map: ([value]) => dwellingPartKey(value ?? null),
    toValues: (key) => [key],
  });

  // Part 4 of the postal identity where the street line names no street (lieu-dit): the
  // house number and the locality, as postalPlaceKey() reads them; the street's key otherwise.
  await mapDistinctValues({
    connection,
    distinctSql: `SELECT DISTINCT i.street, i.address_locality FROM ${t('input')} i
      LEFT JOIN ${t('street_map')} s ON s.in_0 = i.street
      WHERE i.address_locality IS NOT NULL AND coalesce(s.street_name, '') = ''`,
    table: name('place_map'),
    outputs: [{ name: 'place_key', type: 'VARCHAR' }],
    map: ([street, locality]) => postalPlaceKey(street ?? null, locality ?? null),
    toValues: (key) => [key],
  });

  // 3. Join back; the email rule is the same pattern and length limit as normalizeEmail.
  const validEmail = `length(e.email_lower) <= 254 AND length(split_part(e.email_lower, '@', 1)) <= 64
    AND regexp_full_match(e.email_lower, ${sqlString(EMAIL_SYNTAX.source)})`;
  await connection.run(`CREATE OR REPLACE TABLE ${t('normalized')} AS
    WITH lowered AS (
      SELECT line, lower(email) AS email_lower FROM ${t('input')}
    ), emails AS (
      -- The pattern runs once per row (it is the costliest part of this statement).
      SELECT line, email_lower, ${validEmail} AS email_valid FROM lowered e
    )
    SELECT i.line,
      i.customer_id,
      civ.civility, civ.reason AS civility_reason,
      fn.display AS first_name, fn.match_key AS first_name_key,
      ln.display AS last_name, ln.match_key AS last_name_key, ln.phonetic AS last_name_phonetic,
      i.address_complement, i.address_building, i.street, i.address_locality,
      st.house_number, st.number_suffix, st.street_type, st.street_name, st.street_key,
      pc.postcode, pc.reason AS postcode_reason,
      i.city, cm.insee_code, coalesce(cm.commune_status, 'missing') AS commune_status,
      upper(coalesce(i.country, 'FR')) AS country,
      -- Mirrors addressMatchKey(): the street's key, else the locality (after any house number).
      CASE WHEN coalesce(cm.insee_code, pc.postcode) IS NULL THEN NULL
           WHEN coalesce(st.street_name, '') <> ''
             THEN coalesce(cm.insee_code, pc.postcode) || '|' || st.street_key
           WHEN lp.part_key IS NULL THEN NULL
           WHEN coalesce(st.house_number, '') || coalesce(st.number_suffix, '') = ''
             THEN coalesce(cm.insee_code, pc.postcode) || '|' || lp.part_key
           ELSE coalesce(cm.insee_code, pc.postcode) || '|' || coalesce(st.house_number, '')
             || coalesce(st.number_suffix, '') || ' ' || lp.part_key
      END AS address_key,
      -- Mirrors postalPlaceKey(): the street's key, else the locality (after any house number).
      CASE WHEN coalesce(st.street_name, '') <> '' OR i.address_locality IS NULL THEN st.street_key
           ELSE pp.place_key END AS postal_place_key,
      bp.part_key AS building_key, cp.part_key AS complement_key,
      CASE WHEN e.email_valid THEN e.email_lower END AS email,
      CASE WHEN NOT e.email_valid THEN 'not a valid email address' END AS email_reason,
      pm.e164 AS phone_mobile, pm.phone_type AS phone_mobile_type, pm.reason AS phone_mobile_reason,
      pl.e164 AS phone_landline, pl.phone_type AS phone_landline_type, pl.reason AS phone_landline_reason,
      CAST(bd.iso AS DATE) AS birth_date, bd.reason AS birth_date_reason,
      coalesce(oe.consent, false) AS optin_email, oe.reason AS optin_email_reason,
      coalesce(os.consent, false) AS optin_sms, os.reason AS optin_sms_reason,
      coalesce(op.consent, false) AS optin_phone, op.reason AS optin_phone_reason,
      CAST(coalesce(ca.iso, CASE WHEN i.created_at IS NULL THEN ${sqlString(options.receivedDate)} END) AS DATE) AS created_at,
      -- The merge keeps a known customer's earlier collection date over the reception date.
      i.created_at IS NULL AS created_at_from_reception,
      ca.reason AS created_at_reason
    FROM ${t('input')} i
    JOIN emails e USING (line)
    LEFT JOIN ${t('civility_map')} civ ON civ.in_0 = i.civility
    LEFT JOIN ${t('name_map')} fn ON fn.in_0 = i.first_name
    LEFT JOIN ${t('name_map')} ln ON ln.in_0 = i.last_name
    LEFT JOIN ${t('street_map')} st ON st.in_0 = i.street
    LEFT JOIN ${t('postcode_map')} pc ON pc.in_0 = i.postcode
    LEFT JOIN ${t('commune_map')} cm ON cm.in_0 IS NOT DISTINCT FROM pc.postcode AND cm.in_1 IS NOT DISTINCT FROM i.city
    LEFT JOIN ${t('part_map')} bp ON bp.in_0 = i.address_building
    LEFT JOIN ${t('part_map')} cp ON cp.in_0 = i.address_complement
    LEFT JOIN ${t('part_map')} lp ON lp.in_0 = i.address_locality
    LEFT JOIN ${t('place_map')} pp ON pp.in_0 IS NOT DISTINCT FROM i.street AND pp.in_1 = i.address_locality
    LEFT JOIN ${t('phone_mobile_map')} pm ON pm.in_0 = i.phone_mobile
    LEFT JOIN ${t('phone_landline_map')} pl ON pl.in_0 = i.phone_landline
    LEFT JOIN ${t('date_map')} bd ON bd.in_0 = i.birth_date
    LEFT JOIN ${t('date_map')} ca ON ca.in_0 = i.created_at
    LEFT JOIN ${t('optin_map')} oe ON oe.in_0 = i.optin_email
    LEFT JOIN ${t('optin_map')} os ON os.in_0 = i.optin_sms
    LEFT JOIN ${t('optin_map')} op ON op.in_0 = i.optin_phone`);

  // 4. Problems, one row each; fatal ones reject the row.
  const fieldChecks = [
    ['civility', 'civility_reason'],
    ['email', 'email_reason'],
    ['phone_mobile', 'phone_mobile_reason'],
    ['phone_landline', 'phone_landline_reason'],
    ['birth_date', 'birth_date_reason'],
    ['optin_email', 'optin_email_reason'],
    ['optin_sms', 'optin_sms_reason'],
    ['optin_phone', 'optin_phone_reason'],
    ['postcode', 'postcode_reason'],
  ];
  await connection.run(`CREATE OR REPLACE TABLE ${t('errors')} AS
    SELECT line, 'customer_id' AS column_name, 'missing customer_id' AS reason, true AS fatal
      FROM ${t('normalized')} WHERE customer_id IS NULL
    UNION ALL
    SELECT line, 'customer_id', 'customer_id longer than ${MAX_IDENTIFIER_LENGTH} characters', true
      FROM ${t('normalized')} WHERE length(customer_id) > ${MAX_IDENTIFIER_LENGTH}
    UNION ALL
    ${repeatedKeyErrorsSql(t('normalized'), 'customer_id')}
    UNION ALL
    SELECT line, 'created_at', created_at_reason, true
      FROM ${t('normalized')} WHERE created_at_reason IS NOT NULL
    UNION ALL
    ${fieldChecks
      .map(
        ([column, reason]) =>
          `SELECT line, '${column}', ${reason}, false FROM ${t('normalized')} WHERE ${reason} IS NOT NULL`,
      )
      .join('\n    UNION ALL\n    ')}
    UNION ALL
    SELECT line, NULL, 'no usable contact point (postal address, email or phone)', true
      FROM ${t('normalized')}
      WHERE address_key IS NULL AND email IS NULL AND phone_mobile IS NULL AND phone_landline IS NULL`);
  await connection.run(
    `CREATE OR REPLACE TABLE ${t('listed')} AS SELECT DISTINCT customer_id FROM ${t('input')} WHERE customer_id IS NOT NULL`,
  );
  await connection.run(`DROP VIEW ${t('input')}`);
  await connection.run(`DROP TABLE ${options.stagedTable}`);
}
