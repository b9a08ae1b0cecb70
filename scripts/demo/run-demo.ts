// `npm run demo`: the end-to-end Alliage story on embedded defaults, against a freshly
// started `alliage serve` on a temporary data directory (deleted unless --keep).
//   npx node scripts/demo/run-demo.ts [--keep] [--records 3000] [--stop-after pool]
// Exits 0 when every step passed; otherwise 1, naming the failing step and printing
// the end of serve's output.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DemoStepError } from './demo-step-error.ts';
import { formatSummaryTable } from './format-summary-table.ts';
import { runDemoStory, type TDemoSummary } from './run-demo-story.ts';

const { values } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    records: { type: 'string', default: '3000' },
    'stop-after': { type: 'string' },
  },
});
const records = Number(values.records);
if (!Number.isInteger(records) || records < 200 || records > 200_000) {
  console.error('--records must be an integer from 200 to 200000');
  process.exit(2);
}
if (values['stop-after'] !== undefined && values['stop-after'] !== 'pool') {
  console.error('--stop-after only knows "pool" (stop after the pool build)');
  process.exit(2);
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'alliage-demo-'));
const write = (text: string) => process.stdout.write(text);
const started = performance.now();
write(`Alliage demo on embedded defaults; data directory ${dataDir}\n\n`);
let exitCode = 0;
let summary: TDemoSummary | null = null;
try {
  summary = await runDemoStory({
    dataDir,
    records,
    stopAfterPool: values['stop-after'] === 'pool',
    write,
  });
} catch (error) {
  exitCode = 1;
  const failed = error as Error & { serveOutputTail?: string; summary?: TDemoSummary };
  summary = failed.summary ?? null;
  const step = error instanceof DemoStepError ? error.step : 'setting up';
  console.error(`\nDEMO FAILED at step "${step}": ${failed.message}`);
  if (failed.serveOutputTail) {
    console.error(`\n--- end of alliage serve's output ---\n${failed.serveOutputTail}`);
  }
}
if (summary) write(`\n${formatSummary(summary)}\n`);
write(
  `\n${exitCode === 0 ? 'demo passed' : 'demo failed'} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
if (values.keep) write(`data directory kept: ${dataDir}\n`);
else rmSync(dataDir, { recursive: true, force: true });
process.exit(exitCode);

function formatSummary(done: TDemoSummary): string {
  const optional = (value: string | number | null | undefined) =>
    value === undefined || value === null ? '-' : value;
  return formatSummaryTable('Alliage demo summary', [
    ['steps passed', `${done.steps.done} / ${done.steps.total}`],
    ['member files accepted', done.filesAccepted],
    ['customer records sent', done.recordsSent],
    ['records in the pool', done.poolRecords],
    ['persons', done.persons],
    ['households', done.households],
    ['expired records purged (36 months)', done.expiredPurged],
    ['expired transactions dropped', done.expiredTransactions],
    ['repoussoir entries', done.repoussoirEntries],
    ['persons opposed (repoussoir)', optional(done.personsOpposed)],
    ['count shown to the client', optional(done.countShown)],
    ['ordered quantity', optional(done.orderedQuantity)],
    ['delivered rows (seeds included)', optional(done.deliveredRows)],
    ['seed records', optional(done.seeds)],
    ['persons supplied, by member', optional(done.deniedMemberUsage)],
    ['audit events verified', optional(done.auditEvents)],
  ]);
}
