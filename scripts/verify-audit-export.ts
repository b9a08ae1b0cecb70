// Verifies a JSON Lines audit export offline, with no server and no database:
//
//   npx node scripts/verify-audit-export.ts --events export.jsonl \
//     --checkpoint cp.asc --public-key platform.asc [--json]
//
// It recomputes the hash chain over the exported events exactly as the platform
// does (`computeAuditHash` from @alliage/control, through `verifyAuditExport`) and,
// with a checkpoint, checks its signature with the platform public key
// (`verifySignedText` from @alliage/crypto, through `readAuditCheckpoint`) and that
// the export holds the checkpoint's seq with the signed hash. Only the events up to
// that seq are proven; the output names those after it as consistent, not proven
// (`provenThroughSeq` with --json). A filtered export is not a contiguous chain: it
// fails, saying so. Exit 0: nothing contradicts the chain or the checkpoint (read
// the output for what is proven); 1: not verified; 2: usage or unreadable input.
// See docs/compliance.md.
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  describeAuditExportVerification,
  readAuditCheckpoint,
  type TCheckpoint,
  verifyAuditExport,
} from '@alliage/control';
import { isAppError } from '@alliage/domain';

const USAGE =
  'usage: npx node scripts/verify-audit-export.ts --events FILE.jsonl [--checkpoint FILE.asc --public-key FILE.asc] [--json]';

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fail(`cannot read ${what} ${file}`);
  }
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        events: { type: 'string' },
        checkpoint: { type: 'string' },
        'public-key': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();
if (values.events === undefined) fail('--events is required');
if ((values.checkpoint === undefined) !== (values['public-key'] === undefined)) {
  fail('--checkpoint and --public-key go together');
}

let checkpoint: TCheckpoint | undefined;
if (values.checkpoint !== undefined && values['public-key'] !== undefined) {
  const signedText = readText(values.checkpoint, 'checkpoint');
  const publicKey = readText(values['public-key'], 'public key');
  try {
    checkpoint = await readAuditCheckpoint(signedText, [publicKey]);
  } catch (error) {
    // A bad signature is a failed verification, not a usage error.
    const reason = isAppError(error) ? error.message : 'the checkpoint cannot be read';
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ ok: false, reason: `checkpoint: ${reason}` })}\n`
        : `audit export NOT VERIFIED: checkpoint: ${reason}\n`,
    );
    process.exit(1);
  }
}

const input = createReadStream(values.events, 'utf8');
const opened = new Promise<void>((resolve) => input.once('open', () => resolve()));
input.once('error', () => fail(`cannot read events ${values.events}`));
await opened;
const result = await verifyAuditExport(createInterface({ input, crlfDelay: Infinity }), {
  ...(checkpoint === undefined ? {} : { checkpoint }),
});
process.stdout.write(
  values.json ? `${JSON.stringify(result)}\n` : `${describeAuditExportVerification(result)}\n`,
);
process.exitCode = result.ok ? 0 : 1;
