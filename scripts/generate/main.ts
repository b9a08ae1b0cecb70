// Generates a synthetic pool: `npx node scripts/generate/main.ts --records 100000 --out /tmp/pool --seed 42`
// (also --members 4 --as-of 2026-11-23 --expired-share 0.02). Prints the manifest as JSON.
import { parseArgs } from 'node:util';
import { generatePoolData } from './generate-pool-data.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    out: { type: 'string', default: './pool' },
    seed: { type: 'string' },
    members: { type: 'string' },
    'as-of': { type: 'string' },
    'expired-share': { type: 'string' },
  },
});

const numberOption = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value);

const manifest = await generatePoolData({
  outDir: values.out,
  records: Number(values.records),
  seed: numberOption(values.seed),
  members: numberOption(values.members),
  asOf: values['as-of'],
  expiredShare: numberOption(values['expired-share']),
});
process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
