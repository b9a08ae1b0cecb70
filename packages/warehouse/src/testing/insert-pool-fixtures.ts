import type { DuckDBConnection } from '@duckdb/node-api';

/** A hand-made member record for tests (synthetic values only). */
export interface TFixtureRecord {
  recordId: number;
  personId: number;
  memberCode: string;
  customerId: string;
  /** ISO date. */
  createdAt: string;
  civility?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  birthDate?: string | null;
  addressComplement?: string | null;
  addressBuilding?: string | null;
  houseNumber?: string | null;
  numberSuffix?: string | null;
  streetType?: string | null;
  streetName?: string | null;
  streetKey?: string | null;
  addressLocality?: string | null;
  postcode?: string | null;
  city?: string | null;
  inseeCode?: string | null;
  communeStatus?: string | null;
  addressKey?: string | null;
  dwellingKey?: string | null;
  buildingKey?: string | null;
  complementKey?: string | null;
  email?: string | null;
  phoneMobile?: string | null;
  phoneMobileType?: string | null;
  phoneLandline?: string | null;
  optinEmail?: boolean;
  optinSms?: boolean;
  optinPhone?: boolean;
  emailHmac?: string | null;
  mobileHmac?: string | null;
  landlineHmac?: string | null;
  postalHmac?: string | null;
}

const COLUMNS: [string, keyof TFixtureRecord, string?][] = [
  ['record_id', 'recordId'],
  ['person_id', 'personId'],
  ['member_code', 'memberCode'],
  ['customer_id', 'customerId'],
  ['created_at', 'createdAt', 'DATE'],
  ['civility', 'civility'],
  ['first_name', 'firstName'],
  ['last_name', 'lastName'],
  ['birth_date', 'birthDate', 'DATE'],
  ['address_complement', 'addressComplement'],
  ['address_building', 'addressBuilding'],
  ['house_number', 'houseNumber'],
  ['number_suffix', 'numberSuffix'],
  ['street_type', 'streetType'],
  ['street_name', 'streetName'],
  ['street_key', 'streetKey'],
  ['address_locality', 'addressLocality'],
  ['postcode', 'postcode'],
  ['city', 'city'],
  ['insee_code', 'inseeCode'],
  ['commune_status', 'communeStatus'],
  ['address_key', 'addressKey'],
  ['dwelling_key', 'dwellingKey'],
  ['building_key', 'buildingKey'],
  ['complement_key', 'complementKey'],
  ['email', 'email'],
  ['phone_mobile', 'phoneMobile'],
  ['phone_mobile_type', 'phoneMobileType'],
  ['phone_landline', 'phoneLandline'],
  ['optin_email', 'optinEmail'],
  ['optin_sms', 'optinSms'],
  ['optin_phone', 'optinPhone'],
  ['email_hmac', 'emailHmac'],
  ['mobile_hmac', 'mobileHmac'],
  ['landline_hmac', 'landlineHmac'],
  ['postal_hmac', 'postalHmac'],
];

/**
 * Inserts hand-made member records straight into the pool (`customer_records`, no
 * normalisation; missing consents are false, the commune status follows the
 * INSEE code), for tests of what reads the pool.
 *
 * @example
 * await insertFixtureRecords(connection, [{ recordId: 1, personId: 1, memberCode: 'M01', customerId: 'C1', createdAt: '2026-01-01' }]);
 */
export async function insertFixtureRecords(
  connection: DuckDBConnection,
  records: readonly TFixtureRecord[],
): Promise<void> {
  const placeholders = COLUMNS.map(([, , type], index) =>
    type ? `CAST($${index + 1} AS ${type})` : `$${index + 1}`,
  );
  const sql = `INSERT INTO customer_records (${COLUMNS.map(([column]) => column).join(', ')},
      file_drop_id, loaded_at, identity_hash)
    VALUES (${placeholders.join(', ')}, 'drop-fixture', TIMESTAMP '2026-01-01 00:00:00', 'hash')`;
  for (const record of records) {
    const defaults: Partial<TFixtureRecord> = {
      optinEmail: false,
      optinSms: false,
      optinPhone: false,
      communeStatus: record.inseeCode ? 'matched' : 'missing',
    };
    const values = COLUMNS.map(([, key]) => record[key] ?? defaults[key] ?? null);
    await connection.run(sql, values);
  }
}

/**
 * Inserts a record's activity (last transaction and totals) into `record_activity`.
 *
 * @example
 * await insertFixtureActivity(connection, { memberCode: 'M01', customerId: 'C1', lastTransaction: '2026-05-01' });
 */
export async function insertFixtureActivity(
  connection: DuckDBConnection,
  activity: {
    memberCode: string;
    customerId: string;
    lastTransaction: string;
    transactionCount?: number;
    amountEur?: string;
  },
): Promise<void> {
  await connection.run(
    `INSERT INTO record_activity VALUES ($1, $2, CAST($3 AS DATE), CAST($3 AS DATE), $4,
      CAST($5 AS DECIMAL(14, 2)))`,
    [
      activity.memberCode,
      activity.customerId,
      activity.lastTransaction,
      activity.transactionCount ?? 1,
      activity.amountEur ?? '10.00',
    ],
  );
}
