import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TDialectProfileInput } from '@alliage/domain';
import { z } from 'zod';
import { dayFromIsoDate, subtractMonths } from './calendar-day.ts';
import { createCsvFileWriter, type TCsvFileWriter } from './create-csv-file-writer.ts';
import { createCustomerRenderer } from './create-customer-renderer.ts';
import { createPopulation, type TPerson } from './create-population.ts';
import { createRandom, type TRandom } from './create-random.ts';
import { createTransactionRenderer } from './create-transaction-renderer.ts';
import { createWeightedPicker } from './create-weighted-picker.ts';
import { memberProfile, type TMemberProfile } from './member-profiles.ts';
import { planRecordActivity } from './plan-record-activity.ts';

export interface TGenerateOptions {
  outDir: string;
  /** Member records to write in total (approximately: the last household completes). */
  records: number;
  /** Default 4. */
  members?: number;
  /** Default 42. */
  seed?: number;
  /** The platform "today", ISO date; default '2026-11-23'. */
  asOf?: string;
  /** Share of member records past the 36-month retention; default 0.02. */
  expiredShare?: number;
}

export interface TGeneratedMember {
  code: string;
  dialect: TDialectProfileInput;
  customersFile: string;
  transactionsFile: string;
  records: number;
  transactions: number;
}

export interface TGeneratedManifest {
  asOf: string;
  seed: number;
  members: TGeneratedMember[];
  truthFile: string;
  mustNotMergeFile: string;
  persons: number;
  households: number;
}

const ZGenerateOptions = z.object({
  outDir: z.string().min(1),
  records: z.number().int().min(1).max(100_000_000),
  members: z.number().int().min(1).max(99).default(4),
  seed: z.number().int().default(42),
  asOf: z.iso.date().default('2026-11-23'),
  expiredShare: z.number().min(0).max(1).default(0.02),
});

const RETENTION_MONTHS = 36;
/** How many members a person is a customer of (1 to 4), before capping at the member count. */
const MEMBERSHIP_COUNT_WEIGHTS = [55, 30, 11, 4];
const MOVED_SHARE = 0.03;
const BAD_ROW_SHARE = 0.003;
const BAD_AMOUNT_SHARE = 0.004;
const ORPHAN_TRANSACTION_SHARE = 0.005;
const NON_ASCII = /[\u0080-\uffff]/;

interface TMemberOutput {
  profile: TMemberProfile;
  customers: TCsvFileWriter;
  transactions: TCsvFileWriter;
  renderCustomer: ReturnType<typeof createCustomerRenderer>;
  renderTransaction: ReturnType<typeof createTransactionRenderer>;
  summary: TGeneratedMember;
  nextCustomerNumber: number;
  nextTransactionNumber: number;
}

/**
 * Writes a synthetic, seeded pool: per member a customers and a transactions CSV
 * in that member's dialect, `truth.csv` (record → person, household, expired,
 * tags), `must-not-merge.csv` (record pairs of different persons that look alike)
 * and `manifest.json`. Streams every row, so memory stays flat at millions of records.
 *
 * @example
 * const manifest = await generatePoolData({ outDir: '/tmp/pool', records: 2000 });
 */
export async function generatePoolData(options: TGenerateOptions): Promise<TGeneratedManifest> {
  const settings = ZGenerateOptions.parse(options);
  const outDir = path.resolve(settings.outDir);
  await mkdir(outDir, { recursive: true });
  const random = createRandom(settings.seed);
  const asOfDay = dayFromIsoDate(settings.asOf);
  const retentionCutoffDay = subtractMonths(asOfDay, RETENTION_MONTHS);
  const population = createPopulation({ random, asOfYear: Number(settings.asOf.slice(0, 4)) });

  const members = Array.from({ length: settings.members }, (_, index) =>
    openMemberOutput(outDir, memberProfile(index), random),
  );
  const truthFile = path.join(outDir, 'truth.csv');
  const mustNotMergeFile = path.join(outDir, 'must-not-merge.csv');
  const plainCsv = { delimiter: ',', lineEnding: '\n', encoding: 'utf-8' } as const;
  const truth = createCsvFileWriter({ path: truthFile, ...plainCsv });
  const mustNotMerge = createCsvFileWriter({ path: mustNotMergeFile, ...plainCsv });
  truth.writeRow(['member_code', 'customer_id', 'person_key', 'household_key', 'expired', 'tags']);
  mustNotMerge.writeRow([
    'member_code_a',
    'customer_id_a',
    'member_code_b',
    'customer_id_b',
    'case',
  ]);

  const membershipCounts = createWeightedPicker(
    [1, 2, 3, 4].slice(0, Math.min(4, settings.members)),
    MEMBERSHIP_COUNT_WEIGHTS.slice(0, Math.min(4, settings.members)),
  );
  const writers = [
    ...members.flatMap((member) => [member.customers, member.transactions]),
    truth,
    mustNotMerge,
  ];
  let recordsWritten = 0;

  while (recordsWritten < settings.records) {
    const group = population.nextGroup();
    const recordKeys = new Map<TPerson, [string, string][]>();
    for (const person of group.persons) {
      const memberIndexes = pickMembers(random, members, membershipCounts.pick(random));
      const moved =
        memberIndexes.length >= 2 &&
        !person.hardCase &&
        Boolean(person.email || person.mobile) &&
        random.chance(MOVED_SHARE);
      if (moved) person.previousDwelling = population.dwellingAfterMove(person.dwelling);
      const oldAddressMember = moved ? random.pick(memberIndexes) : -1;
      const keys: [string, string][] = [];
      for (const memberIndex of memberIndexes) {
        const member = members[memberIndex] as TMemberOutput;
        const customerId = `C${String(member.nextCustomerNumber).padStart(6, '0')}`;
        member.nextCustomerNumber += 1;
        const expired = !person.hardCase && random.chance(settings.expiredShare);
        const activity = planRecordActivity({ random, asOfDay, retentionCutoffDay, expired });
        const rendered = member.renderCustomer({
          person,
          dwelling:
            memberIndex === oldAddressMember && person.previousDwelling
              ? person.previousDwelling
              : person.dwelling,
          customerId,
          createdDay: activity.createdDay,
          keepContact: moved,
          badRow: !person.hardCase && random.chance(BAD_ROW_SHARE),
        });
        member.customers.writeRow(
          member.profile.customerColumnIndexes.map((index) => rendered.fields[index] as string),
        );
        member.summary.records += 1;
        writeTransactions(
          member,
          customerId,
          activity.transactionDays,
          random,
          retentionCutoffDay,
          asOfDay,
        );

        const tags = [
          ...(person.hardCase ? [person.hardCase] : []),
          ...(moved ? ['moved'] : []),
          ...rendered.tags,
        ];
        if (
          member.profile.dialect.encoding === 'windows-1252' &&
          rendered.fields.some((field) => NON_ASCII.test(field))
        )
          tags.push('win1252');
        truth.writeRow([
          member.profile.code,
          customerId,
          person.personKey,
          person.householdKey,
          expired ? '1' : '0',
          tags.join('|'),
        ]);
        keys.push([member.profile.code, customerId]);
        recordsWritten += 1;
      }
      if (group.hardCase) recordKeys.set(person, keys);
    }
    if (group.hardCase) {
      const { kind, personA, personB } = group.hardCase;
      for (const [memberA, customerA] of recordKeys.get(personA) ?? []) {
        for (const [memberB, customerB] of recordKeys.get(personB) ?? []) {
          mustNotMerge.writeRow([memberA, customerA, memberB, customerB, kind]);
        }
      }
    }
    const waits = writers.map((writer) => writer.whenWritable()).filter((wait) => wait !== null);
    if (waits.length > 0) await Promise.all(waits);
  }

  await Promise.all(writers.map((writer) => writer.close()));
  const manifest: TGeneratedManifest = {
    asOf: settings.asOf,
    seed: settings.seed,
    members: members.map((member) => member.summary),
    truthFile,
    mustNotMergeFile,
    persons: population.personCount,
    households: population.householdCount,
  };
  await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function openMemberOutput(outDir: string, profile: TMemberProfile, random: TRandom): TMemberOutput {
  const format = {
    delimiter: profile.dialect.delimiter ?? ',',
    lineEnding: profile.lineEnding,
    encoding: profile.dialect.encoding ?? 'utf-8',
    byteOrderMark: profile.byteOrderMark,
  };
  const customersFile = path.join(outDir, `${profile.code}_customers.csv`);
  const transactionsFile = path.join(outDir, `${profile.code}_transactions.csv`);
  const customers = createCsvFileWriter({ path: customersFile, ...format });
  const transactions = createCsvFileWriter({ path: transactionsFile, ...format });
  customers.writeRow(profile.customerHeader);
  transactions.writeRow(profile.transactionHeader);
  return {
    profile,
    customers,
    transactions,
    renderCustomer: createCustomerRenderer({ profile, random }),
    renderTransaction: createTransactionRenderer({ profile, random }),
    summary: {
      code: profile.code,
      dialect: profile.dialect,
      customersFile,
      transactionsFile,
      records: 0,
      transactions: 0,
    },
    nextCustomerNumber: 1,
    nextTransactionNumber: 1,
  };
}

/** Distinct members for one person, drawn by member weight without replacement. */
function pickMembers(random: TRandom, members: readonly TMemberOutput[], count: number): number[] {
  const available = members.map((_, index) => index);
  const chosen: number[] = [];
  while (chosen.length < count && available.length > 0) {
    const total = available.reduce(
      (sum, index) => sum + (members[index] as TMemberOutput).profile.weight,
      0,
    );
    let target = random.next() * total;
    let position = 0;
    for (; position < available.length - 1; position += 1) {
      target -= (members[available[position] as number] as TMemberOutput).profile.weight;
      if (target < 0) break;
    }
    chosen.push(available[position] as number);
    available.splice(position, 1);
  }
  return chosen.sort((left, right) => left - right);
}

function writeTransactions(
  member: TMemberOutput,
  customerId: string,
  transactionDays: readonly number[],
  random: TRandom,
  retentionCutoffDay: number,
  asOfDay: number,
): void {
  const nextTransactionId = (): string => {
    const id = `T${String(member.nextTransactionNumber).padStart(8, '0')}`;
    member.nextTransactionNumber += 1;
    member.summary.transactions += 1;
    return id;
  };
  transactionDays.forEach((day, index) => {
    // Never spoil the last transaction: it carries the record's last activity.
    const badAmount = index < transactionDays.length - 1 && random.chance(BAD_AMOUNT_SHARE);
    member.transactions.writeRow(
      member.renderTransaction({ customerId, transactionId: nextTransactionId(), day, badAmount }),
    );
    if (random.chance(ORPHAN_TRANSACTION_SHARE)) {
      // A customer the member never sent: intake must reject or park it.
      const unknownCustomerId = `C9${String(random.int(0, 99_999_999)).padStart(8, '0')}`;
      member.transactions.writeRow(
        member.renderTransaction({
          customerId: unknownCustomerId,
          transactionId: nextTransactionId(),
          day: random.int(retentionCutoffDay, asOfDay),
          badAmount: false,
        }),
      );
    }
  });
}
