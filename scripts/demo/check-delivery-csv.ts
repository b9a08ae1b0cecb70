import { parse } from 'csv-parse/sync';

type TChannel = 'postal' | 'email' | 'sms' | 'phone';

const IDENTITY_COLUMNS = ['row_id', 'civility', 'first_name', 'last_name'];
/**
 * The documented delivery layout (docs, packages/delivery's formatDeliveryCsv), written
 * out again here on purpose: the demo checks the file against the spec, not against
 * the code that wrote it.
 */
const CHANNEL_COLUMNS: Record<TChannel, string[]> = {
  postal: [...[1, 2, 3, 4, 5, 6].map((line) => `address_line_${line}`), 'postcode', 'city'],
  email: ['email'],
  sms: ['phone'],
  phone: ['phone'],
};

export interface CheckDeliveryCsvOptions {
  csvText: string;
  channel: TChannel;
  /** Persons the file must carry: the ordered quantity, or the eligible count if smaller. */
  expectedPersons: number;
  /** Seed records the platform says it added (`seedCount` of the delivery). */
  seedCount: number;
  /** Domain of the seed emails (`ALLIAGE_SEED_EMAIL_DOMAIN`): tells seeds apart on email. */
  seedEmailDomain: string;
  /** Emails put on the repoussoir: none may be delivered. */
  opposedEmails: readonly string[];
}

/** What the check found, as counts only. */
export interface TDeliveryCsvCheck {
  columns: string[];
  rows: number;
  /** Seeds recognised by their email domain; null on channels where they cannot be told apart. */
  seedsFound: number | null;
}

/**
 * Checks a decrypted delivery CSV: exactly the channel's columns, one row per person
 * plus the seeds, unique row IDs, seeds present, no repoussoir email. Throws with
 * every problem found (counts and column names only, never a cell value).
 *
 * @example
 * const check = checkDeliveryCsv({ csvText, channel: 'email', expectedPersons: 200, seedCount: 3,
 *   seedEmailDomain: 'alliage-temoins.fr', opposedEmails: [] });
 */
export function checkDeliveryCsv(options: CheckDeliveryCsvOptions): TDeliveryCsvCheck {
  const [header = [], ...rows] = parse(options.csvText, { bom: true }) as string[][];
  const problems: string[] = [];
  const expectedColumns = [...IDENTITY_COLUMNS, ...CHANNEL_COLUMNS[options.channel]];
  if (header.join(',') !== expectedColumns.join(',')) {
    problems.push(`columns are [${header.join(', ')}], expected [${expectedColumns.join(', ')}]`);
  }
  const expectedRows = options.expectedPersons + options.seedCount;
  if (rows.length !== expectedRows) {
    problems.push(
      `${rows.length} rows, expected ${expectedRows} (${options.expectedPersons} persons + ${options.seedCount} seeds)`,
    );
  }
  const rowIds = new Set(rows.map((row) => row[0] ?? ''));
  if (rowIds.has('') || rowIds.size !== rows.length) {
    problems.push('row IDs are not all present and unique');
  }
  let seedsFound: number | null = null;
  const emailColumn = header.indexOf('email');
  if (emailColumn >= 0) {
    const emails = rows.map((row) => (row[emailColumn] ?? '').trim().toLowerCase());
    const seedSuffix = `@${options.seedEmailDomain.toLowerCase()}`;
    seedsFound = emails.filter((email) => email.endsWith(seedSuffix)).length;
    if (seedsFound !== options.seedCount) {
      problems.push(`${seedsFound} seed emails found, the delivery records ${options.seedCount}`);
    }
    const opposed = new Set(options.opposedEmails.map((email) => email.trim().toLowerCase()));
    const delivered = emails.filter((email) => opposed.has(email)).length;
    if (delivered > 0) problems.push(`${delivered} rows carry a repoussoir email`);
  }
  if (problems.length > 0) throw new Error(`delivery file check failed: ${problems.join('; ')}`);
  return { columns: header, rows: rows.length, seedsFound };
}
