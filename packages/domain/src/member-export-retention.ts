/** Days a personal-data export stays in a member's SFTP `reports/` by default. */
export const DEFAULT_MEMBER_EXPORT_RETENTION_DAYS = 30;
/**
 * The longest it may stay: a rights request is answered within one month, three at
 * most with an extension (GDPR Art. 12(3)).
 */
export const MAX_MEMBER_EXPORT_RETENTION_DAYS = 92;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Files the platform writes into a member's `reports/` that carry personal data: a
 * rights request's notice (its customer IDs) and data export, and an offboarding's
 * exports. Intake reports (counts, line numbers, reasons) are not among them.
 */
const MEMBER_EXPORT_NAMES = [
  /^rights-request-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:-data\.json\.gpg|\.json)$/,
  /^offboarding-\d{8}-(?:customers|transactions)\.csv\.gpg$/,
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
