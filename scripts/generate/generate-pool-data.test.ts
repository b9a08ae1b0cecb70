import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkFileHeader, type TDialectProfile, ZDialectProfile } from '@alliage/domain';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePoolData, type TGeneratedManifest } from './generate-pool-data.ts';
import { readMustNotMerge, readTruth } from './pairwise-quality.ts';

interface TParsedFile {
  columns: string[];
  rows: Record<string, string>[];
  text: string;
  bytes: Buffer;
}

async function readMemberFile(
  file: string,
  kind: 'customers' | 'transactions',
  dialect: TDialectProfile,
): Promise<TParsedFile> {
  const bytes = await readFile(file);
  const text = new TextDecoder(dialect.encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  const records = parse(text, {
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    bom: true,
  }) as string[][];
  const [header = [], ...body] = records;
  const check = checkFileHeader(header, kind, dialect);
  expect(check.issues).toEqual([]);
  for (const record of body) expect(record).toHaveLength(header.length);
  const rows = body.map((record) =>
    Object.fromEntries(check.columns.map((column, index) => [column, record[index] ?? ''])),
  );
  return { columns: check.columns, rows, text, bytes };
}

const isoDate = (value: string, dialect: TDialectProfile): string =>
  dialect.dateFormat === 'DD/MM/YYYY'
    ? `${value.slice(6, 10)}-${value.slice(3, 5)}-${value.slice(0, 2)}`
    : value;

describe('generatePoolData', () => {
  let root = '';
  let manifest: TGeneratedManifest;
  let again: TGeneratedManifest;
  let otherSeed: TGeneratedManifest;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'alliage-pool-'));
    manifest = await generatePoolData({ outDir: path.join(root, 'a'), records: 2000 });
    again = await generatePoolData({ outDir: path.join(root, 'b'), records: 2000 });
    otherSeed = await generatePoolData({ outDir: path.join(root, 'c'), records: 2000, seed: 7 });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes about the requested number of records across four members', async () => {
    expect(manifest.members.map((member) => member.code)).toEqual(['M01', 'M02', 'M03', 'M04']);
    const total = manifest.members.reduce((sum, member) => sum + member.records, 0);
    expect(total).toBeGreaterThanOrEqual(2000);
    expect(total).toBeLessThan(2030);
    expect(manifest.persons).toBeGreaterThan(1000);
    expect(manifest.households).toBeLessThan(manifest.persons);
    const written = JSON.parse(await readFile(path.join(root, 'a', 'manifest.json'), 'utf8'));
    expect(written).toEqual(manifest);
  });

  it('writes files that parse in each member dialect', async () => {
    for (const member of manifest.members) {
      const dialect = ZDialectProfile.parse(member.dialect);
      const customers = await readMemberFile(member.customersFile, 'customers', dialect);
      const transactions = await readMemberFile(member.transactionsFile, 'transactions', dialect);
      expect(customers.rows).toHaveLength(member.records);
      expect(transactions.rows).toHaveLength(member.transactions);
      expect(customers.text).not.toContain('\uFFFD');
      const amount = transactions.rows[0]?.amount_eur ?? '';
      expect(amount).toMatch(dialect.decimalSeparator === ',' ? /^\d+,\d{2}$/ : /^\d+\.\d{2}$/);
      const transactionIds = new Set(transactions.rows.map((row) => row.transaction_id));
      expect(transactionIds.size).toBe(transactions.rows.length);
    }
  });

  it('gives each member its own dialect quirks', async () => {
    const [m01, m02, m03, m04] = manifest.members.map((member) => ({
      member,
      dialect: ZDialectProfile.parse(member.dialect),
    }));
    if (!m01 || !m02 || !m03 || !m04) throw new Error('four members expected');

    const m02Customers = await readMemberFile(m02.member.customersFile, 'customers', m02.dialect);
    const complements = m02Customers.rows.map((row) => row.address_complement ?? '');
    expect(complements.some((value) => value.includes(';'))).toBe(true);
    expect(complements.some((value) => value.includes('\n'))).toBe(true);

    expect(m03.dialect).toMatchObject({
      encoding: 'windows-1252',
      delimiter: ';',
      dateFormat: 'DD/MM/YYYY',
      decimalSeparator: ',',
    });
    const m03Customers = await readMemberFile(m03.member.customersFile, 'customers', m03.dialect);
    expect(m03Customers.text.startsWith('NUMCLIENT;CIVILITE;PRENOM;NOM;')).toBe(true);
    expect(m03Customers.text.split('\r\n').length).toBeGreaterThan(m03.member.records);
    expect(m03Customers.text.replaceAll('\r\n', '')).not.toMatch(/\n/);
    expect(m03Customers.text).toMatch(/[éèàç]/);
    // Nothing fell outside the code page (the encoder writes `?` for that).
    expect(m03Customers.text).not.toContain('?');
    // Real Windows-1252 bytes, not UTF-8: é is one byte 0xE9.
    expect(m03Customers.bytes.includes(0xe9)).toBe(true);
    expect(m03Customers.bytes.includes(0xc3)).toBe(false);
    expect(new Set(m03Customers.rows.map((row) => row.optin_email))).toEqual(new Set(['O', 'N']));

    const m04Bytes = await readFile(m04.member.customersFile);
    expect([...m04Bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const m04Customers = await readMemberFile(m04.member.customersFile, 'customers', m04.dialect);
    expect(
      m04Customers.rows.some((row) => /^\d{2}\/\d{2}\/\d{4}$/.test(row.birth_date ?? '')),
    ).toBe(true);

    const m01Customers = await readMemberFile(m01.member.customersFile, 'customers', m01.dialect);
    expect(m01Customers.rows.every((row) => row.country === 'FR')).toBe(true);
    expect(m01Customers.rows.every((row) => /^C\d{6}$/.test(row.customer_id ?? ''))).toBe(true);
  });

  it('lists exactly the customer rows in truth.csv', async () => {
    const truth = await readTruth(manifest.truthFile);
    const customerKeys: string[] = [];
    for (const member of manifest.members) {
      const dialect = ZDialectProfile.parse(member.dialect);
      const { rows } = await readMemberFile(member.customersFile, 'customers', dialect);
      for (const row of rows) customerKeys.push(`${member.code}:${row.customer_id}`);
    }
    expect(new Set(customerKeys).size).toBe(customerKeys.length);
    expect([...truth.persons.keys()].sort()).toEqual(customerKeys.sort());
    expect(new Set(truth.persons.values()).size).toBe(manifest.persons);
  });

  it('lists every hard case in must-not-merge.csv, as pairs of different persons', async () => {
    const truth = await readTruth(manifest.truthFile);
    const pairs = await readMustNotMerge(manifest.mustNotMergeFile);
    expect(new Set(pairs.map((pair) => pair.case))).toEqual(
      new Set(['twin', 'father_son', 'namesake', 'couple_shared_email']),
    );
    for (const pair of pairs) {
      const personA = truth.persons.get(pair.recordKeyA);
      const personB = truth.persons.get(pair.recordKeyB);
      expect(personA).toBeDefined();
      expect(personB).toBeDefined();
      expect(personA).not.toBe(personB);
      const sameHousehold =
        truth.households.get(pair.recordKeyA) === truth.households.get(pair.recordKeyB);
      expect(sameHousehold).toBe(pair.case !== 'namesake');
    }
  });

  it('makes hard cases look alike the way their name says', async () => {
    const pairs = await readMustNotMerge(manifest.mustNotMergeFile);
    const rowsByKey = new Map<string, Record<string, string>>();
    for (const member of manifest.members) {
      const dialect = ZDialectProfile.parse(member.dialect);
      const { rows } = await readMemberFile(member.customersFile, 'customers', dialect);
      for (const row of rows) {
        const birth = row.birth_date ? isoDate(row.birth_date, dialect) : '';
        rowsByKey.set(`${member.code}:${row.customer_id}`, { ...row, birth_date: birth });
      }
    }
    const fold = (value = '') =>
      value
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toUpperCase();
    const year = (value = '') => Number(value.slice(0, 4));
    for (const pair of pairs) {
      const a = rowsByKey.get(pair.recordKeyA) as Record<string, string>;
      const b = rowsByKey.get(pair.recordKeyB) as Record<string, string>;
      if (pair.case === 'twin') expect(a.birth_date).toBe(b.birth_date);
      if (pair.case === 'father_son')
        expect(Math.abs(year(a.birth_date) - year(b.birth_date))).toBeGreaterThanOrEqual(18);
      if (pair.case === 'namesake') {
        expect(a.birth_date).not.toBe(b.birth_date);
        expect(
          fold(a.postcode).padStart(5, '0') === fold(b.postcode).padStart(5, '0') &&
            fold(a.city) === fold(b.city),
        ).toBe(false);
      }
      if (pair.case === 'couple_shared_email' && a.email && b.email)
        expect(a.email.trim().toLowerCase()).toBe(b.email.trim().toLowerCase());
      if (pair.case === 'twin' || pair.case === 'couple_shared_email')
        expect(fold(a.first_name)).not.toBe(fold(b.first_name));
    }
  });

  it('marks as expired the records whose last activity is older than 36 months', async () => {
    const truth = await readTruth(manifest.truthFile);
    const cutoff = '2023-11-23';
    let records = 0;
    for (const member of manifest.members) {
      const dialect = ZDialectProfile.parse(member.dialect);
      const customers = await readMemberFile(member.customersFile, 'customers', dialect);
      const transactions = await readMemberFile(member.transactionsFile, 'transactions', dialect);
      const lastTransaction = new Map<string, string>();
      for (const row of transactions.rows) {
        const date = isoDate(row.date ?? '', dialect);
        const previous = lastTransaction.get(row.customer_id ?? '');
        if (!previous || date > previous) lastTransaction.set(row.customer_id ?? '', date);
      }
      for (const row of customers.rows) {
        records += 1;
        const lastActivity =
          lastTransaction.get(row.customer_id ?? '') ?? isoDate(row.created_at ?? '', dialect);
        const key = `${member.code}:${row.customer_id}`;
        expect(truth.expired.has(key)).toBe(lastActivity < cutoff);
        expect(lastActivity <= manifest.asOf).toBe(true);
      }
    }
    const share = truth.expired.size / records;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.035);
  });

  it('keeps bad rows and invalid contact points rare', async () => {
    const truthText = await readFile(manifest.truthFile, 'utf8');
    const rows = truthText.trim().split('\n').slice(1);
    const share = (tag: string) =>
      rows.filter((row) => row.split(',')[5]?.split('|').includes(tag)).length / rows.length;
    expect(share('bad_row')).toBeGreaterThan(0);
    expect(share('bad_row')).toBeLessThan(0.01);
    expect(share('invalid_email') + share('invalid_phone')).toBeLessThan(0.03);
    expect(share('win1252')).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed writes the same bytes, another seed does not', async () => {
    const files = (generated: TGeneratedManifest) => [
      ...generated.members.flatMap((member) => [member.customersFile, member.transactionsFile]),
      generated.truthFile,
      generated.mustNotMergeFile,
    ];
    const first = files(manifest);
    const second = files(again);
    for (const [index, file] of first.entries()) {
      const [left, right] = await Promise.all([readFile(file), readFile(second[index] as string)]);
      expect(left.equals(right)).toBe(true);
    }
    const [left, right] = await Promise.all([
      readFile(manifest.truthFile),
      readFile(otherSeed.truthFile),
    ]);
    expect(left.equals(right)).toBe(false);
  });
});
