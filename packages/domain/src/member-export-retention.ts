/** Days a personal-data export stays in a member's SFTP `reports/` by default. */
export const DEFAULT_MEMBER_EXPORT_RETENTION_DAYS = 30;
/**
 * The longest it may stay: a rights request is answered within one month, three at
 * most with an extension (GDPR Art. 12(3)).
 */
export const MAX_MEMBER_EXPORT_RETENTION_DAYS = 92;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * An offboarding's export files: `offboarding-<YYYYMMDD>-<run>-<kind>.csv.gpg`, `<run>`
 * 8 hex digits drawn by each export so that no name is ever used twice (a re-run after
 * a crash writes new names); older exports have no `<run>`.
 */
const OFFBOARDING_EXPORT_NAME =
  /^offboarding-\d{8}(?:-[0-9a-f]{8})?-(?:customers|transactions)\.csv\.gpg$/;

/**
 * Files the platform writes into a member's `reports/` that carry personal data: a
 * rights request's notice (its customer IDs) and data export, and an offboarding's
 * exports. Intake reports (counts, line numbers, reasons) are not among them.
 */
const MEMBER_EXPORT_NAMES = [
  /^rights-request-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:-data\.json\.gpg|\.json)$/,
  OFFBOARDING_EXPORT_NAME,
];

/**
 * Whether a file of a member's `reports/` is a personal-data export the platform wrote
 * (and must delete once the member has had time to fetch it).
 *
 * @example
 * isMemberExportFile('offboarding-20261201-customers.csv.gpg') // true
 * isMemberExportFile('M01_customers_20261201.csv.pgp.report.json') // false
 */
export function isMemberExportFile(name: string): boolean {
  return MEMBER_EXPORT_NAMES.some((pattern) => pattern.test(name));
}

/**
 * Whether an export written at `writtenAt` has stayed its `retentionDays` (0: at the
 * next pass).
 *
 * @example
 * isMemberExportDisposable(new Date('2026-11-01'), { now: new Date('2026-12-06'), retentionDays: 30 }) // true
 */
export function isMemberExportDisposable(
  writtenAt: Date,
  options: { now: Date; retentionDays: number },
): boolean {
  return options.now.getTime() - writtenAt.getTime() >= options.retentionDays * DAY_MS;
}

/**
 * Whether a file of a member's `reports/` is one of an offboarding's exports.
 *
 * @example
 * isOffboardingExportFile('offboarding-20261201-0a1b2c3d-customers.csv.gpg') // true
 * isOffboardingExportFile('rights-request-….json') // false
 */
export function isOffboardingExportFile(name: string): boolean {
  return OFFBOARDING_EXPORT_NAME.test(name);
}

/**
 * The name of one file of an offboarding's export written on `date` by the export `run`
 * (8 hex digits, the same for both files of one export).
 *
 * @example
 * offboardingExportFileName(new Date('2026-12-01T10:00:00Z'), '0a1b2c3d', 'customers') // 'offboarding-20261201-0a1b2c3d-customers.csv.gpg'
 */
export function offboardingExportFileName(
  date: Date,
  run: string,
  kind: 'customers' | 'transactions',
): string {
  return `offboarding-${date.toISOString().slice(0, 10).replaceAll('-', '')}-${run}-${kind}.csv.gpg`;
}
