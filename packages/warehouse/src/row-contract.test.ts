import { Readable } from 'node:stream';
import {
  CUSTOMER_COLUMNS,
  type TDialectProfile,
  TRANSACTION_COLUMNS,
  ZDialectProfile,
} from '@alliage/domain';
import { customerRowSchema, postalPlaceKey, transactionRowSchema } from '@alliage/normalize';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeStagedCustomers } from './normalize-staged-customers.ts';
import { normalizeStagedTransactions } from './normalize-staged-transactions.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { sqlIdentifier } from './sql-literal.ts';
import { stageMemberFile } from './stage-member-file.ts';
import { createTestWarehouse } from './testing/index.ts';

// The same rows go through the zod row schemas (the contract) and through the bulk
// path (DuckDB's reader, normalisers once per distinct value, SQL mirrors); every
// verdict, dropped field and normalised value must agree.
const CUSTOMER_CASES: Partial<Record<(typeof CUSTOMER_COLUMNS)[number], string>>[] = [
  {
    customer_id: 'C1',
    civility: 'Monsieur',
    first_name: 'JEAN-PIERRE',
    last_name: 'DE LA FONTAINE',
    street: '12 bis, av. Victor-Hugo',
    postcode: '75016',
    city: 'PARIS',
    email: ' Jean.Pierre@Exemple.FR ',
    phone_mobile: '06 12 34 56 78',
    birth_date: '1970-03-12',
    optin_email: '1',
    created_at: '2025-01-10',
  },
  {
    customer_id: 'C2',
    civility: 'Mlle',
    first_name: 'Élodie',
    last_name: "N'Diaye",
    street: '3 RUE DE LA PAIX',
    postcode: '1000',
    city: 'Bourg-en-Bresse',
    phone_landline: '+33 4 74 12 34 56',
    optin_sms: 'oui',
    created_at: '2024-06-01',
  },
  {
    customer_id: 'C3',
    last_name: 'Le Gall',
    street: '5 rue St Jean',
    postcode: '42000',
    city: 'ST ETIENNE',
    address_building: 'BAT A',
    address_complement: 'Appt 12',
    created_at: '2025-02-02',
  },
  {
    customer_id: 'C4',
    last_name: 'Martin',
    email: 'not-an-email',
    phone_mobile: '0612',
    street: '1 chemin des Vignes',
    postcode: '20000',
    city: 'Ajaccio',
    birth_date: '1980-02-31',
    created_at: '2025-03-03',
  },
  {
    customer_id: 'C5',
    civility: 'Dr',
    last_name: 'Bernard',
    street: 'LD Les Combes',
    postcode: '97400',
    city: 'Saint-Denis',
    optin_phone: 'peut-être',
    created_at: '2025-04-04',
  },
  { customer_id: '', last_name: 'Nobody', email: 'a@b.fr', created_at: '2025-01-01' },
  { customer_id: 'C7', last_name: 'Contactless', created_at: '2025-01-01' },
  { customer_id: 'C8', last_name: 'Bad Date', email: 'c8@exemple.fr', created_at: '2025-13-01' },
  { customer_id: 'X'.repeat(65), email: 'long@exemple.fr', created_at: '2025-01-01' },
  { customer_id: 'C10', email: 'c10@exemple.fr' },
  {
    customer_id: 'C11',
    last_name: 'Durand',
    street: '7 Rue Inconnue',
    postcode: '75016',
    city: 'LYON',
    phone_mobile: '+32 470 12 34 56',
    created_at: '2025-05-05',
  },
  {
    customer_id: 'C12',
    last_name: 'Petit',
    street: '8 avenue Foch',
    postcode: '750',
    city: 'Paris',
    email: 'c12@exemple.fr',
    created_at: '2025-05-05',
  },
  {
    customer_id: 'C13',
    last_name: 'Lieudit',
    address_locality: 'LD les Granges',
    postcode: '24200',
    city: 'Sarlat-la-Canéda',
    created_at: '2025-06-06',
  },
  {
    customer_id: 'C14',
    last_name: 'Hameau',
    street: '4B',
    address_locality: 'La Croix St Jean',
    postcode: '24200',
    city: 'Sarlat-la-Canéda',
    created_at: '2025-06-06',
  },
  {
    customer_id: 'C15',
    last_name: 'Ruebourg',
    street: '3 rue de la Paix',
    address_locality: 'Le Bourg',
    postcode: '24200',
    city: 'Sarlat-la-Canéda',
    created_at: '2025-06-06',
  },
  // The file was received on 2026-11-23: a day of margin, then dates are in the future.
  { customer_id: 'C16', email: 'c16@exemple.fr', created_at: '2026-11-24' },
  { customer_id: 'C17', email: 'c17@exemple.fr', created_at: '2026-11-25' },
  { customer_id: 'C18', email: 'c18@exemple.fr', created_at: '2099-01-10' },
  {
    customer_id: 'C19',
    email: 'c19@exemple.fr',
    birth_date: '2062-03-12',
    created_at: '2025-05-05',
  },
  // A control character rejects the row, for that reason alone, at every field holding one.
  {
    customer_id: 'C20',
    last_name: 'Dup\u0000ont',
    street: '12 rue de la\u0000 Paix',
    postcode: '75002',
    city: 'Paris',
    email: 'c20@exemple.fr',
    created_at: '2025-05-05',
  },
  { customer_id: 'C21', first_name: 'Jean\u001b', email: 'c21@exemple.fr\u0085' },
  { customer_id: 'C22\u0007', address_complement: '\u000b', created_at: '2025-13-01' },
  // Tab is text: kept.
  { customer_id: 'C23', last_name: 'Le\tGall', email: 'c23@exemple.fr' },
  // Edged with what trim() strips besides spaces (tab, no-break space, a quoted line
  // break, U+2028, U+2029, U+FEFF): trimmed alike.
  {
    customer_id: '\tC24',
    last_name: '\u00a0Martin\u00a0',
    postcode: '75002',
    city: 'Paris\t',
    email: ' c24@exemple.fr\t',
    created_at: '2025-05-05',
  },
  { customer_id: '\t', email: 'c25@exemple.fr', created_at: '2025-05-05' },
  {
    customer_id: 'C26',
    first_name: '\u2028Anne',
    last_name: 'Roux\u2029',
    street: '3 rue Haute\n',
    address_complement: '\ufeffBât B',
    postcode: '75002',
    city: 'Paris',
    email: 'c26@exemple.fr',
    created_at: '\r\n2025-05-05',
  },
];

const TRANSACTION_CASES: Partial<Record<(typeof TRANSACTION_COLUMNS)[number], string>>[] = [
  {
    customer_id: 'C1',
    transaction_id: 'T1',
    date: '2026-01-15',
    amount_eur: '12.50',
    category: 'Livres',
    channel: 'WEB',
  },
  {
    customer_id: 'C1',
    transaction_id: 'T2',
    date: '2026-02-30',
    amount_eur: '3',
    category: 'livres',
    channel: 'web',
  },
  {
    customer_id: 'C2',
    transaction_id: 'T3',
    date: '2026-01-15',
    amount_eur: 'douze',
    category: 'jardin',
    channel: 'magasin',
  },
  {
    customer_id: '',
    transaction_id: 'T4',
    date: '2026-01-15',
    amount_eur: '1',
    category: 'x',
    channel: 'vad',
  },
  { customer_id: 'C3', transaction_id: 'T5', date: '', amount_eur: '', category: '', channel: '' },
  {
    customer_id: 'C3',
    transaction_id: 'T6',
    date: '2026-01-15',
    amount_eur: '-4.99',
    category: 'jardin',
    channel: 'web',
  },
  // Received on 2026-11-23: the next day is still accepted (time zones), later is not.
  {
    customer_id: 'C3',
    transaction_id: 'T7',
    date: '2026-11-24',
    amount_eur: '5',
    category: 'jardin',
    channel: 'web',
  },
  {
    customer_id: 'C3',
    transaction_id: 'T8',
    date: '2026-11-25',
    amount_eur: '5',
    category: 'jardin',
    channel: 'web',
  },
  {
    customer_id: 'C3',
    transaction_id: 'T9',
    date: '2099-06-01',
    amount_eur: '5',
    category: 'jardin',
    channel: 'web',
  },
  {
    customer_id: 'C3',
    transaction_id: 'T10',
    date: '2026-01-15',
    amount_eur: '5',
    category: 'liv\u0000res',
    channel: 'web\u007f',
  },
  {
    customer_id: 'C3\t',
    transaction_id: '\ufeffT11',
    date: '2026-01-15\n',
    amount_eur: '\t5',
    category: 'jardin\u2029',
    channel: '\u2028web',
  },
];

function isoOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

function csvOf(
  columns: readonly string[],
  rows: Partial<Record<string, string>>[],
  delimiter: string,
): string {
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
  return `${[columns.join(delimiter), ...rows.map((row) => columns.map((column) => quote(row[column] ?? '')).join(delimiter))].join('\n')}\n`;
}

async function bulk(
  connection: DuckDBConnection,
  kind: 'customers' | 'transactions',
  rows: Partial<Record<string, string>>[],
  dialect: TDialectProfile,
  prefix: string,
) {
  const columns = kind === 'customers' ? CUSTOMER_COLUMNS : TRANSACTION_COLUMNS;
  const staged = await stageMemberFile({
    connection,
    plaintext: Readable.from([Buffer.from(csvOf(columns, rows, dialect.delimiter))]),
    kind,
    dialect,
    table: `${prefix}_raw`,
  });
  const options = {
    connection,
    stagedTable: staged.stagedTable as string,
    columns: staged.columns,
    dialect,
    prefix,
    receivedDate: '2026-11-23',
  };
  if (kind === 'customers') await normalizeStagedCustomers(options);
  else await normalizeStagedTransactions(options);
  const read = async (table: string) =>
    (
      await connection.runAndReadAll(`SELECT * FROM stage.${sqlIdentifier(`${prefix}_${table}`)}`)
    ).getRowObjectsJS();
  // Records the scanner refused (a control character here) are rejected rows too.
  const refused = staged.recordErrors.map((error) => ({
    line: error.line,
    column_name: error.column,
    reason: error.reason,
    fatal: true,
  }));
  return { normalized: await read('normalized'), errors: [...(await read('errors')), ...refused] };
}

describe('the bulk path enforces the row schemas', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
  });
  afterAll(async () => cleanup());

  it.each([
    ['canonical', ZDialectProfile.parse({})],
    ['semicolon', ZDialectProfile.parse({ delimiter: ';' })],
  ])('customers (%s)', async (_name, dialect) => {
    const schema = customerRowSchema({
      dateFormat: dialect.dateFormat,
      receivedDate: '2026-11-23',
    });
    const { normalized, errors } = await warehouse.withWriter((connection) =>
      bulk(
        connection,
        'customers',
        CUSTOMER_CASES,
        dialect,
        `rc_c_${dialect.delimiter === ';' ? 's' : 'c'}`,
      ),
    );
    CUSTOMER_CASES.forEach((row, index) => {
      const line = index + 2;
      const parsed = schema.safeParse(row);
      const lineErrors = errors.filter((error) => Number(error.line) === line);
      const fatal = lineErrors
        .filter((error) => error.fatal)
        .map((error) => `${error.column_name ?? ''}:${error.reason}`)
        .sort();
      const dropped = lineErrors
        .filter((error) => !error.fatal)
        .map((error) => `${error.column_name}:${error.reason}`)
        .sort();
      if (!parsed.success) {
        expect(fatal, `line ${line}`).toEqual(
          parsed.error.issues.map((issue) => `${issue.path.join('.')}:${issue.message}`).sort(),
        );
        return;
      }
      expect(fatal, `line ${line}`).toEqual([]);
      const record = parsed.data;
      expect(dropped, `line ${line}`).toEqual(
        record.dropped.map((entry) => `${entry.column}:${entry.reason}`).sort(),
      );
      const bulkRow = normalized.find((candidate) => Number(candidate.line) === line);
      expect(
        {
          civility: bulkRow?.civility ?? null,
          firstName: bulkRow?.first_name ?? null,
          firstNameKey: bulkRow?.first_name_key ?? null,
          lastName: bulkRow?.last_name ?? null,
          lastNameKey: bulkRow?.last_name_key ?? null,
          phonetic: bulkRow?.last_name_phonetic ?? null,
          email: bulkRow?.email ?? null,
          mobile: bulkRow?.phone_mobile ?? null,
          mobileType: bulkRow?.phone_mobile_type ?? null,
          landline: bulkRow?.phone_landline ?? null,
          birthDate: isoOf(bulkRow?.birth_date),
          createdAt: isoOf(bulkRow?.created_at),
          optins: [bulkRow?.optin_email, bulkRow?.optin_sms, bulkRow?.optin_phone],
          postcode: bulkRow?.postcode ?? null,
          inseeCode: bulkRow?.insee_code ?? null,
          communeStatus: bulkRow?.commune_status,
          streetKey: bulkRow?.street_key ?? null,
          postalPlaceKey: bulkRow?.postal_place_key ?? null,
          addressKey: bulkRow?.address_key ?? null,
          buildingKey: bulkRow?.building_key ?? null,
          complementKey: bulkRow?.complement_key ?? null,
        },
        `line ${line}`,
      ).toEqual({
        civility: record.civility,
        firstName: record.firstName?.display ?? null,
        firstNameKey: record.firstName?.match ?? null,
        lastName: record.lastName?.display ?? null,
        lastNameKey: record.lastName?.match ?? null,
        phonetic: record.lastName?.phonetic ?? null,
        email: record.email,
        mobile: record.phoneMobile?.e164 ?? null,
        mobileType: record.phoneMobile?.type ?? null,
        landline: record.phoneLandline?.e164 ?? null,
        birthDate: record.birthDate,
        createdAt: record.createdAt,
        optins: [record.optinEmail, record.optinSms, record.optinPhone],
        postcode: record.postcode,
        inseeCode: record.inseeCode,
        communeStatus: record.communeStatus,
        streetKey: record.street?.matchKey ?? null,
        postalPlaceKey: postalPlaceKey(row.street ?? null, row.address_locality ?? null),
        addressKey: record.addressKey,
        buildingKey: record.buildingKey,
        complementKey: record.complementKey,
      });
    });
    // A future created_at rejects the row; a future birth date is dropped.
    const future = 'date after the day the file was received';
    const verdicts = (ids: string[]) =>
      ids.map((id) => {
        const line = CUSTOMER_CASES.findIndex((row) => row.customer_id === id) + 2;
        return errors
          .filter((error) => Number(error.line) === line)
          .map((error) => `${error.column_name}:${error.reason}:${error.fatal}`);
      });
    expect(verdicts(['C16', 'C17', 'C18', 'C19'])).toEqual([
      [],
      [`created_at:${future}:true`],
      [`created_at:${future}:true`],
      [`birth_date:${future}:false`],
    ]);
    // A control character: the row is rejected at each field holding one, and for nothing
    // else (C22's bad created_at is not read); a tab is text.
    const control = (codePoint: string) => `control character U+${codePoint} in the field`;
    expect(verdicts(['C20', 'C21', 'C22\u0007', 'C23']).map((lines) => lines.sort())).toEqual([
      [`last_name:${control('0000')}:true`, `street:${control('0000')}:true`],
      [`email:${control('0085')}:true`, `first_name:${control('001B')}:true`],
      [`address_complement:${control('000B')}:true`, `customer_id:${control('0007')}:true`],
      [],
    ]);
    // The cases exercise both outcomes.
    expect(
      CUSTOMER_CASES.filter((row) => !schema.safeParse(row).success).length,
    ).toBeGreaterThanOrEqual(4);
    expect(
      CUSTOMER_CASES.filter((row) => schema.safeParse(row).success).length,
    ).toBeGreaterThanOrEqual(6);
  });

  it.each([
    ['canonical', ZDialectProfile.parse({})],
    [
      'French',
      ZDialectProfile.parse({ delimiter: ';', decimalSeparator: ',', dateFormat: 'DD/MM/YYYY' }),
    ],
  ])('transactions (%s)', async (name, dialect) => {
    const rows =
      name === 'French'
        ? TRANSACTION_CASES.map((row) => ({
            ...row,
            date: row.date?.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3/$2/$1'),
            amount_eur: row.amount_eur?.replace('.', ','),
          }))
        : TRANSACTION_CASES;
    const schema = transactionRowSchema({
      dateFormat: dialect.dateFormat,
      decimalSeparator: dialect.decimalSeparator,
      receivedDate: '2026-11-23',
    });
    const { normalized, errors } = await warehouse.withWriter((connection) =>
      bulk(connection, 'transactions', rows, dialect, `rc_t_${name === 'French' ? 'f' : 'c'}`),
    );
    rows.forEach((row, index) => {
      const line = index + 2;
      const parsed = schema.safeParse(row);
      const fatal = errors
        .filter((error) => Number(error.line) === line)
        .map((error) => `${error.column_name}:${error.reason}`)
        .sort();
      if (!parsed.success) {
        expect(fatal, `line ${line}`).toEqual(
          parsed.error.issues.map((issue) => `${issue.path.join('.')}:${issue.message}`).sort(),
        );
        return;
      }
      expect(fatal, `line ${line}`).toEqual([]);
      const bulkRow = normalized.find((candidate) => Number(candidate.line) === line);
      expect(
        {
          date: isoOf(bulkRow?.transaction_date),
          amount: Number(bulkRow?.amount_eur),
          category: bulkRow?.category,
          channel: bulkRow?.channel,
        },
        `line ${line}`,
      ).toEqual({
        date: parsed.data.date,
        amount: parsed.data.amountEur,
        category: parsed.data.category,
        channel: parsed.data.channel,
      });
    });
    const lineOf = (id: string) => rows.findIndex((row) => row.transaction_id === id) + 2;
    expect(
      ['T7', 'T8', 'T9'].map((id) =>
        errors
          .filter((error) => Number(error.line) === lineOf(id))
          .map((error) => `${error.column_name}:${error.reason}`),
      ),
    ).toEqual([
      [],
      ['date:date after the day the file was received'],
      ['date:date after the day the file was received'],
    ]);
    expect(
      errors
        .filter((error) => Number(error.line) === lineOf('T10'))
        .map((error) => `${error.column_name}:${error.reason}:${error.fatal}`)
        .sort(),
    ).toEqual([
      'category:control character U+0000 in the field:true',
      'channel:control character U+007F in the field:true',
    ]);
  });
});
