// Quality of a built pool against the generator's truth, in its own process so the
// benchmark's peak RSS is the platform's, not this measure's:
// `node scripts/bench/measure-quality.ts --identities F.csv --truth truth.csv --must-not-merge must-not-merge.csv`.
// F.csv has one row per record: record key (`member:customer_id`), person_id, household_id
// (empty for a person without a dwelling). Prints the result as JSON.
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import {
  computePairwiseQuality,
  readMustNotMerge,
  readTruth,
} from '../generate/pairwise-quality.ts';

const { values } = parseArgs({
  options: {
    identities: { type: 'string' },
    truth: { type: 'string' },
    'must-not-merge': { type: 'string' },
  },
});
if (!values.identities || !values.truth || !values['must-not-merge']) {
  throw new Error('usage: measure-quality.ts --identities F --truth F --must-not-merge F');
}
const truth = await readTruth(values.truth);
const persons = new Map<string, string>();
const households = new Map<string, string>();
for await (const [key, person, household] of createReadStream(values.identities).pipe(
  parse({ from_line: 2 }),
) as AsyncIterable<[string, string, string]>) {
  persons.set(key, person);
  // A person without a dwelling is a household of one.
  households.set(key, household || `solo-${person}`);
}
const byCase: Record<string, number> = {};
let total = 0;
for (const pair of await readMustNotMerge(values['must-not-merge'])) {
  const a = persons.get(pair.recordKeyA);
  if (a !== undefined && a === persons.get(pair.recordKeyB)) {
    byCase[pair.case] = (byCase[pair.case] ?? 0) + 1;
    total += 1;
  }
}
console.log(
  JSON.stringify({
    persons: computePairwiseQuality(truth.persons, persons),
    households: computePairwiseQuality(truth.households, households),
    violations: { total, byCase },
  }),
);
