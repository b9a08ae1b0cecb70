import type { TAuditExportVerification } from './audit-verify-export.ts';

const span = (from: number, to: number) =>
  `seq ${from}..${to} (${to - from + 1} event${to === from ? '' : 's'})`;

/**
 * What an offline verification proved, in words a compliance reviewer can sign
 * under: the headline says VERIFIED only when a signed checkpoint covers every
 * exported event; events after the checkpoint (or all of them, with no checkpoint)
 * are named as consistent but NOT proven, since whoever can write the database can
 * rewrite or remove them and recompute their hashes.
 *
 * @example
 * process.stdout.write(`${describeAuditExportVerification(await verifyAuditExport(lines, { checkpoint }))}\n`);
 */
export function describeAuditExportVerification(result: TAuditExportVerification): string {
  if (!result.ok) {
    const where = result.firstBadSeq === null ? '' : ` at seq ${result.firstBadSeq}`;
    return `audit export NOT VERIFIED${where} (line ${result.firstBadLine}): ${result.reason}`;
  }
  const { firstSeq, lastSeq, provenThroughSeq, checkpointSeq } = result;
  if (firstSeq === null || lastSeq === null) {
    return checkpointSeq === null
      ? 'audit export CONSISTENT, NOT VERIFIED: no events'
      : `audit export VERIFIED: no events, and the signed checkpoint names the empty chain (seq ${checkpointSeq})`;
  }
  const start = result.startsAtGenesis
    ? 'from the genesis'
    : result.startsAtCheckpoint
      ? `a range starting right after the signed checkpoint at seq ${checkpointSeq}`
      : `a range: its link to the events before seq ${firstSeq} is not checked`;
  const summary = `${result.eventCount} events, seq ${firstSeq}..${lastSeq}, ${start}`;
  const lines: string[] = [];
  if (checkpointSeq === null) {
    lines.push(`audit export CONSISTENT, NOT VERIFIED: ${summary}`);
  } else if (provenThroughSeq === lastSeq) {
    lines.push(`audit export VERIFIED: ${summary}`);
  } else if (provenThroughSeq === null) {
    lines.push(`audit export NOT PROVEN by the checkpoint: ${summary}`);
  } else {
    lines.push(`audit export VERIFIED ONLY UP TO seq ${provenThroughSeq}: ${summary}`);
  }
  if (provenThroughSeq !== null) {
    lines.push(
      `${span(firstSeq, provenThroughSeq)}: the platform’s, unaltered, none missing (signed checkpoint at seq ${checkpointSeq})`,
    );
  }
  const unprovenFrom = provenThroughSeq === null ? firstSeq : provenThroughSeq + 1;
  if (unprovenFrom <= lastSeq) {
    const why =
      checkpointSeq === null
        ? 'no checkpoint given'
        : `after the signed checkpoint at seq ${checkpointSeq}`;
    lines.push(
      `${span(unprovenFrom, lastSeq)}: ${why}: consistent with each other, NOT proven to be the platform’s or unaltered; verify with a checkpoint taken after seq ${lastSeq}`,
    );
  }
  lines.push(
    `nothing shows whether events after seq ${lastSeq} exist; last hash ${result.lastHash ?? '-'}`,
  );
  return lines.join('\n');
}
