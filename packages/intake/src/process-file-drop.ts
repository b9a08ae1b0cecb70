import path from 'node:path';
import {
  appendAuditEvent,
  type ControlContext,
  claimFileDrop,
  completeFileDrop,
  findAcceptedFileDrop,
  getInstructionInForce,
  getMemberDialect,
  getOrganisation,
  isKeyUsable,
  listCustomerSuppressionHashes,
  listOrganisationKeys,
  listOrganisations,
  repoussoirFeed,
  SYSTEM_ACTOR,
  type TFileDrop,
} from '@alliage/control';
import { readDecryptRejection, type TDecryptionKeyInput } from '@alliage/crypto';
import {
  isMember,
  MAX_RETENTION_MONTHS,
  parseDropFileName,
  type TDialectProfile,
  type TDropRejectionReason,
  type TDropReport,
  toStorableDropReport,
} from '@alliage/domain';
import {
  countPurgedRows,
  loadMemberDrop,
  type TDropLoadSummary,
  type TWarehouse,
} from '@alliage/warehouse';
import { claimDropFile } from './claim-drop-file.ts';
import { isDropFileUnavailable } from './drop-file-unavailable.ts';
import { importOptoutDrop } from './import-optout-drop.ts';
import { openVerifiedDrop } from './open-verified-drop.ts';
import { writeDropReport } from './write-drop-report.ts';

/** What the intake engine needs; services pass their configuration and resources in. */
export interface IntakeDeps {
  ctx: ControlContext;
  /** Platform keys files may be encrypted to: current first, then previous ones during a rotation. */
  decryptionKeys: TDecryptionKeyInput[];
  /** SFTP storage root: reports go to `<root>/<ORG>/reports/`. */
  sftpRoot: string;
  /** Where encrypted files are kept from the start of their processing: `<dropStore>/<ORG>/<dropId>`. */
  dropStore: string;
  /** Decompressed-size cap per file (compression bombs). */
  maxPlaintextBytes: number;
  /** Above this share of bad rows the whole file is rejected (default 0.05). */
  maxRejectedRowRatio: number;
  /** The pool accepted files are loaded into (this process owns its one writer). */
  warehouse: TWarehouse;
  /** The platform's HMAC secret: contact points are hashed with it for the repoussoir. */
  hmacSecret: string;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

type TOutcome = Pick<
  TDropReport,
  'status' | 'signerFingerprint' | 'kind' | 'rows' | 'rejection' | 'rowErrors' | 'duplicateOf'
> & {
  /** What an opt-out list added to the repoussoir. */
  repoussoir?: TDropReport['repoussoir'];
  /** What the pool load changed (null when nothing was loaded now). */
  load?: {
    summary: TDropLoadSummary | null;
    instructionVersion: number | null;
    /** The member's retention the load applied (months). */
    retentionMonths: number;
    alreadyLoaded: boolean;
  };
};

/**
 * Processes one received drop end to end: moves its file into the drop store (every
 * attempt reads it there, hashed against the drop's SHA-256), duplicate check, decrypt and verify
 * (streaming, clear text never on disk), parse, validate and normalise against
 * the member's dialect, load into the pool in one DuckDB transaction (only once
 * the signature is verified) — or, for an `optouts` list, add its entries to the
 * repoussoir without touching the pool — then report (`reports/<file>.report.json` and
 * `.txt`) and record the outcome with a `pool.built` audit event (and `pool.purged` when
 * the load deleted or dropped records past retention). A permanent problem with the file is a `rejected` report, not an
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
  // From here on the drop reads its file in the drop store only (see claimDropFile).
  const sourcePath = await claimDropFile(deps.ctx, deps.dropStore, drop).catch((error: unknown) => {
    if (isDropFileUnavailable(error)) return error;
    throw error;
  });
  const { load, repoussoir, ...outcome } =
    typeof sourcePath === 'string'
      ? await decideOutcome(deps, drop, sourcePath)
      : rejectedOutcome('file_unavailable', sourcePath.message);
  // Whatever a file put in a detail, the report is stored: else the drop never finishes.
  const report = toStorableDropReport({
    fileDropId: drop.id,
    fileName: drop.fileName,
    sha256: drop.sha256,
    sizeBytes: drop.sizeBytes,
    receivedAt: drop.receivedAt.toISOString(),
    finishedAt: deps.ctx.clock().toISOString(),
    ...outcome,
    pool: load?.summary
      ? {
          inserted: load.summary.inserted,
          updated: load.summary.updated,
          removed: load.summary.removed,
          expiredAtIntake: load.summary.expiredAtIntake,
          unknownCustomers: load.summary.unknownCustomers,
          held: load.summary.held ?? 0,
          releasedFromHold: load.summary.releasedFromHold ?? 0,
          suppressed: load.summary.suppressed ?? 0,
        }
      : null,
    repoussoir: repoussoir ?? null,
  });
  const finished = await completeFileDrop(deps.ctx, SYSTEM_ACTOR, report, {
    // An accepted file is in the pool (or the repoussoir) already: it stays accepted even
    // if the hourly dispatch gave up on its drop while this attempt ran (abandonFileDrop).
    overAbandoned: report.status === 'accepted',
    withinTransaction: async (trx) => {
      // Written once the drop is held unfinished (or abandoned), before the outcome
      // commits: the report never contradicts an outcome recorded meanwhile.
      await writeDropReport(path.join(deps.sftpRoot, drop.organisationCode, 'reports'), report);
      if (!load?.summary) return;
      // What the load deleted for retention, as the daily pass records its own purge (an
      // auditor filtering on pool.purged sees both). A load found already done (a retry
      // after a crash past the pool's commit) appended nothing then: it is recorded now.
      const { purged } = load.summary.pool;
      const { expiredAtIntake } = load.summary;
      if (countPurgedRows(purged) + expiredAtIntake > 0) {
        await appendAuditEvent(trx, deps.ctx.clock, {
          action: 'pool.purged',
          actor: SYSTEM_ACTOR,
          objectType: 'file_drop',
          objectId: drop.id,
          organisationCode: drop.organisationCode,
          instructionVersion: load.instructionVersion,
          details: {
            trigger: 'drop',
            records: purged.records,
            transactions: purged.transactions,
            heldExpired: purged.heldExpired,
            futureRecords: purged.futureRecords ?? 0,
            futureTransactions: purged.futureTransactions ?? 0,
            expiredAtIntake,
            retentionMonthsByMember: { [drop.organisationCode]: load.retentionMonths },
          },
        });
      }
      await appendAuditEvent(trx, deps.ctx.clock, {
        action: 'pool.built',
        actor: SYSTEM_ACTOR,
        objectType: 'file_drop',
        objectId: drop.id,
        organisationCode: drop.organisationCode,
        details: {
          trigger: 'drop',
          instructionVersion: load.instructionVersion,
          alreadyLoaded: load.alreadyLoaded,
          ...load.summary,
        },
      });
    },
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

const NO_OUTCOME = {
  signerFingerprint: null,
  kind: null,
  rows: null,
  rowErrors: [],
  duplicateOf: null,
};

function rejectedOutcome(
  reason: TDropRejectionReason,
  detail: string,
  extra: Partial<TOutcome> = {},
): TOutcome {
  return { ...NO_OUTCOME, ...extra, status: 'rejected', rejection: { reason, detail } };
}

async function decideOutcome(
  deps: IntakeDeps,
  drop: TFileDrop,
  sourcePath: string,
): Promise<TOutcome> {
  const reject = rejectedOutcome;

  const name = parseDropFileName(drop.fileName);
  if (!name) {
    return reject(
      'bad_file_name',
      'the name must contain "customers", "transactions" (optionally "-delta") or "optouts" and end in .csv.pgp, .csv.gpg, .pgp, .gpg or .asc',
    );
  }
  // A drop received before its member was offboarded or suspended (or retried after) must
  // not load: offboarding deletes the member's data once, and nothing would delete it again.
  const member = await getOrganisation(deps.ctx, drop.organisationCode);
  if (member.status !== 'active') {
    return reject(
      'member_inactive',
      `the member is ${member.status}: its files are no longer processed`,
    );
  }
  const accepted = await findAcceptedFileDrop(deps.ctx, drop.organisationId, drop.sha256);
  if (accepted) {
    return {
      ...NO_OUTCOME,
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
    .filter((key) => isKeyUsable(key, now))
    .map((key) => key.publicKey);
  if (signerKeys.length === 0) {
    return reject(
      'no_signing_key',
      'no valid PGP public key is registered for this member to check the signature',
    );
  }
  const dialect = await getMemberDialect(deps.ctx, drop.organisationCode);
  if (name.kind === 'optouts') {
    // An opt-out list only adds repoussoir entries (control DB); the pool is not touched.
    return decideOptoutOutcome(deps, drop, sourcePath, signerKeys, dialect, reject);
  }
  const instruction = await getInstructionInForce(deps.ctx, drop.organisationCode, now);
  const memberSectors = new Map(
    (await listOrganisations(deps.ctx))
      .filter((organisation) => isMember(organisation.kind))
      .map((member) => [member.code, member.sector as string]),
  );
  const retentionMonths = Math.min(
    instruction?.body.retentionMonths ?? MAX_RETENTION_MONTHS,
    MAX_RETENTION_MONTHS,
  );

  const kind = name.kind;
  let opened: Awaited<ReturnType<typeof openVerifiedDrop>> | undefined;
  let loaded: Awaited<ReturnType<typeof loadMemberDrop>>;
  try {
    opened = await openVerifiedDrop(deps, { sourcePath, sha256: drop.sha256 }, signerKeys);
    const { plaintext, verified } = opened;
    // Staged in memory while it decrypts; nothing reaches the pool unless `verified` resolves.
    loaded = await loadMemberDrop({
      warehouse: deps.warehouse,
      fileDropId: drop.id,
      memberCode: drop.organisationCode,
      kind,
      delta: name.delta,
      dialect,
      plaintext,
      verified,
      maxRejectedRowRatio: deps.maxRejectedRowRatio,
      retentionMonths,
      memberSectors,
      repoussoir: repoussoirFeed(deps.ctx),
      hmacSecret: deps.hmacSecret,
      // Read by the load once it holds the pool's writer: an erasure confirmed meanwhile
      // is either in the list or deletes after this load, never before it.
      readSuppressedCustomerHmacs: () =>
        listCustomerSuppressionHashes(deps.ctx, drop.organisationCode),
      now,
      receivedAt: drop.receivedAt,
    });
  } catch (error) {
    return reject(fileRejectionOf(error, opened?.verified), (error as Error).message, { kind });
  }
  const { signer } = opened;
  if (loaded.outcome === 'rejected') {
    return reject(loaded.reason, loaded.detail, {
      kind,
      signerFingerprint: signer(),
      rows: loaded.rows,
      rowErrors: loaded.rowErrors,
    });
  }
  return {
    status: 'accepted',
    kind,
    signerFingerprint: signer(),
    rows: loaded.rows,
    rejection: null,
    rowErrors: loaded.rowErrors,
    duplicateOf: null,
    load: {
      summary: loaded.summary,
      instructionVersion: instruction?.version ?? null,
      retentionMonths,
      alreadyLoaded: loaded.outcome === 'already_loaded',
    },
  };
}

async function decideOptoutOutcome(
  deps: IntakeDeps,
  drop: TFileDrop,
  sourcePath: string,
  signerKeys: string[],
  dialect: TDialectProfile,
  reject: (reason: TDropRejectionReason, detail: string, extra?: Partial<TOutcome>) => TOutcome,
): Promise<TOutcome> {
  let opened: Awaited<ReturnType<typeof openVerifiedDrop>> | undefined;
  let imported: Awaited<ReturnType<typeof importOptoutDrop>>;
  try {
    opened = await openVerifiedDrop(deps, { sourcePath, sha256: drop.sha256 }, signerKeys);
    const { plaintext, verified } = opened;
    imported = await importOptoutDrop({
      ctx: deps.ctx,
      drop,
      dialect,
      plaintext,
      verified,
      hmacSecret: deps.hmacSecret,
      maxRejectedRowRatio: deps.maxRejectedRowRatio,
    });
  } catch (error) {
    return reject(fileRejectionOf(error, opened?.verified), (error as Error).message, {
      kind: 'optouts',
    });
  }
  const { signer } = opened;
  if (imported.outcome === 'rejected') {
    return reject(imported.reason, imported.detail, {
      kind: 'optouts',
      signerFingerprint: signer(),
      rows: imported.rows,
      rowErrors: imported.rowErrors,
    });
  }
  return {
    status: 'accepted',
    kind: 'optouts',
    signerFingerprint: signer(),
    rows: imported.rows,
    rejection: null,
    rowErrors: imported.rowErrors,
    duplicateOf: null,
    repoussoir: imported.repoussoir,
  };
}

/**
 * A decryption or signature failure is the file's fault, and a stored file that is gone
 * will not come back: both are rejections. Anything else throws (retried).
 */
function fileRejectionOf(
  error: unknown,
  verified: Promise<unknown> | undefined,
): TDropRejectionReason {
  verified?.catch(() => undefined);
  if (isDropFileUnavailable(error)) return 'file_unavailable';
  const reason = readDecryptRejection(error);
  if (!reason || reason === 'cancelled') throw error;
  return reason;
}
