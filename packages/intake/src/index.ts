export type { InspectMemberCsvOptions, TCsvInspection } from './inspect-member-csv.ts';
export { inspectMemberCsv } from './inspect-member-csv.ts';
export type { IntakeDeps } from './process-file-drop.ts';
export { processFileDrop } from './process-file-drop.ts';
export { writeDropReport } from './write-drop-report.ts';
