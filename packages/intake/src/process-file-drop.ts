import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import {
  type ControlContext,
  claimFileDrop,
  completeFileDrop,
  findAcceptedFileDrop,
  getMemberDialect,
  listOrganisationKeys,
  SYSTEM_ACTOR,
  type TFileDrop,
} from '@alliage/control';
import {
  decryptVerifiedStream,
  readDecryptRejection,
  type TDecryptionKeyInput,
} from '@alliage/crypto';
import { parseDropFileName, type TDropRejectionReason, type TDropReport } from '@alliage/domain';
import { inspectMemberCsv, type TCsvInspection } from './inspect-member-csv.ts';
import { writeDropReport } from './write-drop-report.ts';

/** What the intake engine needs; services pass their configuration and resources in. */
export interface IntakeDeps {
  ctx: ControlContext;
  /** Platform keys files may be encrypted to: current first, then previous ones during a rotation. */
  decryptionKeys: TDecryptionKeyInput[];
  /** SFTP storage root: reports go to `<root>/<ORG>/reports/`. */
  sftpRoot: string;
  /** Where processed encrypted files are kept: `<dropStore>/<ORG>/<dropId>`. */
  dropStore: string;
  /** Decompressed-size cap per file (compression bombs). */
  maxPlaintextBytes: number;
  /** Above this share of bad rows the whole file is rejected (default 0.05). */
  maxRejectedRowRatio: number;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

type TOutcome = Pick<
  TDropReport,
  'status' | 'signerFingerprint' | 'kind' | 'rows' | 'rejection' | 'rowErrors' | 'duplicateOf'
>;

/**
 * Processes one received drop end to end: duplicate check, decrypt and verify
 * (streaming, clear text never on disk), parse and check against the member's
 * dialect, then report (`reports/<file>.report.json` and `.txt`) and record the
 * outcome. A permanent problem with the file is a `rejected` report, not an
 * error; only transient failures throw (and the job is retried). Returns null
 * when the drop is unknown or already finished (idempotent on retries).
 *
 * @example
 * await processFileDrop(deps, fileDropId);
 */
export async function processFileDrop(
  deps: IntakeDeps,
  fileDropId: string,
): Promise<TFileDrop | null> {
  const drop = await claimFileDrop(deps.ctx, fileDropId);
  if (!drop) return null;
  const archivePath = path.join(deps.dropStore, drop.organisationCode, drop.id);
  // A crash between archiving and recording leaves the file in the store already.
  const sourcePath = existsSync(drop.storagePath) ? drop.storagePath : archivePath;
  const outcome = await decideOutcome(deps, drop, sourcePath);
  const report: TDropReport = {
    fileDropId: drop.id,
    fileName: drop.fileName,
    sha256: drop.sha256,
    sizeBytes: drop.sizeBytes,
    receivedAt: drop.receivedAt.toISOString(),
    finishedAt: deps.ctx.clock().toISOString(),
    ...outcome,
  };
  await writeDropReport(path.join(deps.sftpRoot, drop.organisationCode, 'reports'), report);
  if (sourcePath !== archivePath && existsSync(sourcePath)) {
    await mkdir(path.dirname(archivePath), { recursive: true, mode: 0o700 });
    await rename(sourcePath, archivePath);
  }
  const finished = await completeFileDrop(deps.ctx, SYSTEM_ACTOR, report, {
    storagePath: archivePath,
  });
  deps.logger?.info(
    {
      fileDropId: drop.id,
      organisation: drop.organisationCode,
      status: finished.status,
      rows: report.rows?.total ?? null,
    },
    'file drop processed',
  );
  return finished;
}

async function decideOutcome(
  deps: IntakeDeps,
  drop: TFileDrop,
  sourcePath: string,
): Promise<TOutcome> {
  const none = {
    signerFingerprint: null,
    kind: null,
    rows: null,
    rowErrors: [],
    duplicateOf: null,
  };
  const reject = (
    reason: TDropRejectionReason,
    detail: string,
    extra: Partial<TOutcome> = {},
  ): TOutcome => ({
    ...none,
    ...extra,
    status: 'rejected',
    rejection: { reason, detail },
  });

  const name = parseDropFileName(drop.fileName);
  if (!name) {
    return reject(
      'bad_file_name',
      'the name must contain "customers" or "transactions" (optionally "-delta") and end in .csv.pgp, .csv.gpg, .pgp, .gpg or .asc',
    );
  }
  const accepted = await findAcceptedFileDrop(deps.ctx, drop.organisationId, drop.sha256);
  if (accepted) {
    return {
      ...none,
      kind: name.kind,
      status: 'duplicate',
      rejection: null,
      duplicateOf: accepted.id,
    };
  }
  const now = deps.ctx.clock();
  const signerKeys = (
    await listOrganisationKeys(deps.ctx, {
      organisationCode: drop.organisationCode,
      keyType: 'pgp',
    })
  )
    .filter((key) => key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now))
    .map((key) => key.publicKey);
  if (signerKeys.length === 0) {
    return reject(
      'no_signing_key',
      'no valid PGP public key is registered for this member to check the signature',
    );
  }
  const dialect = await getMemberDialect(deps.ctx, drop.organisationCode);

  const { plaintext, verified } = decryptVerifiedStream({
    input: createReadStream(sourcePath),
    decryptionKeys: deps.decryptionKeys,
    signerPublicKeys: signerKeys,
    maxPlaintextBytes: deps.maxPlaintextBytes,
  });
  // The inspection only stages counts; nothing is kept unless `verified` resolves.
  const inspecting = inspectMemberCsv({ plaintext, kind: name.kind, dialect });
  let inspection: TCsvInspection;
  let signerFingerprint: string;
  try {
    [inspection, { signerFingerprint }] = await Promise.all([inspecting, verified]);
  } catch (error) {
    inspecting.catch(() => undefined);
    verified.catch(() => undefined);
    const reason = readDecryptRejection(error);
    if (!reason || reason === 'cancelled') throw error;
    return reject(reason, (error as Error).message, { kind: name.kind });
  }

  const kind = name.kind;
  if (inspection.malformed)
    return reject('malformed', inspection.malformed, { kind, signerFingerprint });
  if (inspection.headerIssues.length > 0) {
    return reject(
      'bad_header',
      inspection.headerIssues
        .map((issue) => (issue.column ? `column ${issue.column}: ${issue.reason}` : issue.reason))
        .join('; '),
      { kind, signerFingerprint },
    );
  }
  const rows = {
    total: inspection.rowCount,
    accepted: inspection.rowCount - inspection.rejectedRowCount,
    rejected: inspection.rejectedRowCount,
  };
  const rejectedRatio = rows.total === 0 ? 0 : rows.rejected / rows.total;
  if (rejectedRatio > deps.maxRejectedRowRatio) {
    return reject(
      'too_many_bad_rows',
      `${rows.rejected} of ${rows.total} rows are invalid (more than ${Math.round(deps.maxRejectedRowRatio * 100)}%)`,
      { kind, signerFingerprint, rows, rowErrors: inspection.rowErrors },
    );
  }
  return {
    status: 'accepted',
    kind,
    signerFingerprint,
    rows,
    rejection: null,
    rowErrors: inspection.rowErrors,
    duplicateOf: null,
  };
}
