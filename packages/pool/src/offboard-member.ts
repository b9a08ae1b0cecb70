import {
  appendAuditEvent,
  type ControlContext,
  getOrganisation,
  isKeyUsable,
  listAuditEvents,
  listMemberDataDeletionsDue,
  listOrganisationKeys,
  listOrganisations,
  listPendingFileDrops,
  markMemberDataDeletionDue,
  repoussoirFeed,
  type TActor,
  type TAuditEvent,
  type TOrganisationKey,
  updateOrganisation,
} from '@alliage/control';
import type { TDecryptionKeyInput } from '@alliage/crypto';
import { AppError, isMember } from '@alliage/domain';
import {
  compactWarehouse,
  deleteMemberData,
  findValuesInPoolColumns,
  findValuesInPoolFiles,
  sampleMemberCanaries,
  type TWarehouse,
} from '@alliage/warehouse';
import { deliverPoolAuditOutbox } from './deliver-pool-audit-outbox.ts';
import { memberDataDeletedEvent } from './member-data-deleted-event.ts';
import { purgeDropFiles } from './purge-drop-files.ts';
import { removeUnrecordedOffboardingExports } from './remove-unrecorded-offboarding-exports.ts';
import { writeOffboardingExport } from './write-offboarding-export.ts';

/** Canaries sampled per kind (customer IDs, emails, last names): at least 50 in all when the member has them. */
const CANARIES_PER_KIND = 100;

export interface OffboardMemberOptions {
  ctx: ControlContext;
  warehouse: TWarehouse;
  actor: TActor;
  memberCode: string;
  /** `export`: return the data to the member (encrypted) before deleting it; `delete_only`: delete. */
  mode: 'export' | 'delete_only';
  /** SFTP storage root: the export goes to `<root>/<MEMBER>/reports/`. */
  sftpRoot: string;
  /** The drop store: the member's processed encrypted files (`<dropStore>/<MEMBER>/`) are deleted. */
  dropStore: string;
  /** The platform key the export is signed with; needed with `export`. */
  signingKey: TDecryptionKeyInput | null;
}

/** One file of the returned data, as recorded in the certificate. */
export interface TOffboardingExportFile {
  fileName: string;
  sizeBytes: number;
  sha256: string;
  rows: number;
}

/** The deletion certificate, as recorded in the audit chain (`member.offboarded`): counts and hashes only. */
export interface TOffboardingCertificate {
  memberCode: string;
  mode: 'export' | 'delete_only';
  startedAt: string;
  finishedAt: string;
  deleted: {
    records: number;
    heldRecords: number;
    transactions: number;
    loadedDrops: number;
    personsRemoved: number;
    householdsRemoved: number;
    deliveredPersonsRows: number;
    /** Rows saying which delivered persons the member supplied (its access answers' recipients). */
    deliverySupplierRows: number;
    /** The member's processed encrypted files deleted from the drop store (by every run). */
    dropFiles: number;
  };
  /** The `member.data_deleted` events (seq) of this offboarding's runs whose counts `deleted` sums. */
  deletionSeqs: number[];
  /** Files left in the member's drop store folder that no drop of it knows (an operator's to check). */
  dropFilesLeft: number;
  personsAfter: number;
  householdsAfter: number;
  export: {
    recipientKeyFingerprint: string;
    signerFingerprint: string;
    files: TOffboardingExportFile[];
  } | null;
  canarySearch: {
    /** Values of the member looked for in the file's bytes (never recorded themselves). */
    canaries: number;
    /** Found and not explained by a value another member still rightly holds: 0, or the run fails. */
    found: number;
    /** Found, but part of a value the pool keeps for another member (e.g. MARTIN in MARTINEZ). */
    explainedByRemainingValues: number;
    filesSearched: number;
    bytesSearched: number;
    /** True: the file is encrypted, the search cannot see values and proves little. */
    encryptedAtRest: boolean;
  };
  poolFile: { sha256: string; sizeBytesBefore: number; sizeBytesAfter: number };
}

/**
 * Ends a member's contract (Art. 28(3)(g)): marks it `offboarded` first (its
 * logins, tokens and new drops are refused from then on), refuses while one of
 * its drops is still being processed, optionally returns its data (records and
 * transactions in the canonical file format, encrypted to its valid PGP key and
 * signed by the platform, in its SFTP `reports/`), deletes everything the pool
 * holds of it and re-resolves the persons and households that depended on it,
 * rewrites the pool file (compactWarehouse), then searches the file's bytes for
 * a sample of its values taken before the delete and fails loudly if one is
 * still there, and deletes its processed encrypted files from the drop store.
 * Ends with the deletion certificate `member.offboarded` in the audit chain.
 * Safe to run again after a failure: an offboarded member is processed again;
 * an export an earlier run recorded (`member.data_exported`) is not made again,
 * export files no event records (a run died before recording them) are deleted and
 * the export is made again under new names, and the certificate adds up the
 * deletions of every run since the member's last certificate, so it states what the
 * offboarding did, not what the last run found. An export is refused (`conflict`,
 * before anything changes) once a run without one reached the deletion: there is
 * nothing left to return.
 *
 * @example
 * const certificate = await offboardMember({ ctx, warehouse, actor, memberCode: 'M01', mode: 'export', sftpRoot, dropStore, signingKey });
 */
export async function offboardMember(
  options: OffboardMemberOptions,
): Promise<TOffboardingCertificate> {
  const { ctx, warehouse, memberCode } = options;
  const startedAt = ctx.clock();
  const member = await getOrganisation(ctx, memberCode);
  if (!isMember(member.kind)) {
    throw new AppError('validation_failed', `organisation ${memberCode} is not a member`);
  }
  if (options.mode === 'export' && !options.signingKey) {
    throw new AppError('internal', 'offboarding with an export needs the platform signing key');
  }
  const earlier = await uncertifiedOffboarding(ctx, memberCode);
  if (options.mode === 'export' && !earlier.exported && (await deletionDue(ctx, memberCode))) {
    // A --delete-only run (or one that died in it) reached the deletion: an export now
    // would return an empty set and certify it as the member's data.
    throw new AppError(
      'conflict',
      `member ${memberCode}'s data was already deleted by an earlier offboarding run without an export: nothing is left to return; finish with --delete-only`,
      { retry: false },
    );
  }
  // The recipient key is checked before anything changes: a member without one cannot get its
  // export. Not when an earlier run's export is recorded: none is made again, and a key
  // revoked since must not keep the offboarding from finishing.
  const recipientKey =
    options.mode === 'export' && !earlier.exported
      ? await usableMemberKey(ctx, memberCode, startedAt)
      : null;
  await updateOrganisation(ctx, options.actor, memberCode, { status: 'offboarded' });
  // No new drop can be registered now; one already received would load after the delete.
  const pending = await listPendingFileDrops(ctx, 1000, memberCode);
  if (pending.length > 0) {
    throw new AppError(
      'conflict',
      `member ${memberCode} has ${pending.length} file drop(s) still being processed: run the offboarding again once they are finished`,
      { retry: true },
    );
  }

  // Files of a run that died between writing its export and recording it: no event
  // claims them, they go; this run's export (if any) takes new names.
  await removeUnrecordedOffboardingExports({
    ctx,
    actor: options.actor,
    memberCode,
    sftpRoot: options.sftpRoot,
    recorded: earlier.exportedFileNames,
  });
  // A run that died after its export was recorded already gave the member its data: that
  // export stands (its files are in `reports/`, its event in the chain), none is made
  // again — the data may be deleted by now.
  const exported =
    earlier.exported ??
    (recipientKey && options.signingKey
      ? await writeOffboardingExport(
          options,
          member.id,
          recipientKey,
          options.signingKey,
          startedAt,
        )
      : null);

  const canaries = await sampleMemberCanaries(warehouse, memberCode, CANARIES_PER_KIND);
  const canaryValues = [...canaries.customerIds, ...canaries.emails, ...canaries.lastNames];
  const memberSectors = new Map(
    (await listOrganisations(ctx))
      .filter((organisation) => isMember(organisation.kind) && organisation.code !== memberCode)
      .map((organisation) => [organisation.code, organisation.sector as string]),
  );
  // A crash after an earlier run's delete left its counts in the pool's outbox: they go
  // to the chain now, since this run's delete will find nothing left and count zeros.
  await deliverPoolAuditOutbox({ ctx, warehouse });
  // The export is written: from now on the member's data must be gone, and every pool
  // build deletes again what a pool restored from before this point still holds of it.
  await markMemberDataDeletionDue(ctx, memberCode);
  const deleted = await deleteMemberData({
    warehouse,
    memberCode,
    memberSectors,
    repoussoir: repoussoirFeed(ctx),
    now: ctx.clock(),
    // Written with the delete itself: the counts of what went survive a crash before the
    // certificate (a re-run's certificate counts what that run deleted: zeros).
    auditEvents: (deletion) => [
      memberDataDeletedEvent(deletion, {
        actor: options.actor,
        memberId: member.id,
        memberCode,
        context: { reason: 'offboarding' },
      }),
    ],
  });
  await deliverPoolAuditOutbox({ ctx, warehouse });
  const compaction = await compactWarehouse(warehouse);
  const search = await findValuesInPoolFiles(warehouse, canaryValues);
  const explained = await findValuesInPoolColumns(warehouse, search.found);
  const unexplained = search.found.length - explained.length;
  if (unexplained > 0) {
    // Counts only: the values themselves are personal data.
    throw new AppError(
      'internal',
      `offboarding ${memberCode}: ${unexplained} of ${canaryValues.length} sampled values of the member are still in the pool file after compaction`,
      { retry: false },
    );
  }
  // Its encrypted files hold everything it ever sent: they go too (none is still in process).
  const dropFiles = await purgeDropFiles({
    ctx,
    actor: options.actor,
    dropStore: options.dropStore,
    retentionDays: 0,
    organisationCode: memberCode,
    reason: 'offboarding',
  });

  // What this offboarding deleted, over every run since the member's last certificate:
  // a run that died after its delete left its counts in the chain, and this one found
  // nothing left (zeros).
  const { deletions, dropFilesRemoved } = await uncertifiedOffboarding(ctx, memberCode);
  const certificate: TOffboardingCertificate = {
    memberCode,
    // What was done: an export recorded by an earlier run is the member's, whatever this
    // run was asked (a --delete-only re-run finishing it).
    mode: exported ? 'export' : options.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: ctx.clock().toISOString(),
    deleted: { ...sumDeletions(deletions), dropFiles: dropFilesRemoved },
    deletionSeqs: deletions.map((event) => event.seq),
    dropFilesLeft: dropFiles.kept + dropFiles.unknown,
    personsAfter: deleted.personsAfter,
    householdsAfter: deleted.householdsAfter,
    export: exported,
    canarySearch: {
      canaries: canaryValues.length,
      found: unexplained,
      explainedByRemainingValues: explained.length,
      filesSearched: search.filesSearched,
      bytesSearched: search.bytesSearched,
      encryptedAtRest: warehouse.encryptionAtRest,
    },
    poolFile: {
      sha256: compaction.sha256,
      sizeBytesBefore: compaction.sizeBytesBefore,
      sizeBytesAfter: compaction.sizeBytesAfter,
    },
  };
  await ctx.db.transaction().execute(async (trx) => {
    await appendAuditEvent(trx, ctx.clock, {
      action: 'member.offboarded',
      actor: options.actor,
      objectType: 'organisation',
      objectId: member.id,
      organisationCode: memberCode,
      details: { ...certificate },
    });
  });
  return certificate;
}

export type TOffboardingExport = NonNullable<TOffboardingCertificate['export']>;
type TDeletionCounts = Omit<TOffboardingCertificate['deleted'], 'dropFiles'>;
const DELETION_COUNTS = [
  'records',
  'heldRecords',
  'transactions',
  'loadedDrops',
  'personsRemoved',
  'householdsRemoved',
  'deliveredPersonsRows',
  'deliverySupplierRows',
] as const satisfies readonly (keyof TDeletionCounts)[];

/**
 * What the member's offboarding runs since its last `member.offboarded` (all of
 * them if none) recorded: their `member.data_deleted` (reason `offboarding`, or
 * `offboarded_member_found_again` of a pool build that deleted the data first) and
 * their latest `member.data_exported`, and the drop files their `file.purged`
 * (`drop_store`, reason `offboarding`) removed. More than one run when a run died
 * before its certificate. And the file names every `member.data_exported` or
 * `member.offboarded` of the member names, certified or not.
 */
async function uncertifiedOffboarding(
  ctx: ControlContext,
  memberCode: string,
): Promise<{
  deletions: TAuditEvent[];
  dropFilesRemoved: number;
  exported: TOffboardingExport | null;
  exportedFileNames: Set<string>;
}> {
  const exportedFileNames = new Set<string>();
  let deletions: TAuditEvent[] = [];
  let dropFilesRemoved = 0;
  let exported: TOffboardingExport | null = null;
  let cursor: string | undefined;
  do {
    const page = await listAuditEvents(ctx, {
      organisationCode: memberCode,
      action: ['member.data_deleted', 'member.data_exported', 'file.purged', 'member.offboarded'],
      ...(cursor ? { cursor } : {}),
    });
    for (const event of page.events) {
      if (event.action === 'member.offboarded') {
        // A certificate names its export too: the only record of one made before
        // `member.data_exported` was written, and a file the member may still fetch.
        const certified = event.details.export as { files?: { fileName: string }[] } | null;
        for (const file of certified?.files ?? []) exportedFileNames.add(file.fileName);
        deletions = [];
        dropFilesRemoved = 0;
        exported = null;
      } else if (event.action === 'file.purged') {
        if (event.objectType === 'drop_store' && event.details.reason === 'offboarding') {
          dropFilesRemoved += Number(event.details.removed ?? 0);
        }
      } else if (event.action === 'member.data_exported') {
        const { recipientKeyFingerprint, signerFingerprint, files } = event.details;
        exported = { recipientKeyFingerprint, signerFingerprint, files } as TOffboardingExport;
        for (const file of exported.files) exportedFileNames.add(file.fileName);
      } else if (
        event.details.reason === 'offboarding' ||
        // A pool build that deleted the member's data first (its deletion was due, the run
        // died before its own): part of what this offboarding certifies as deleted.
        event.details.reason === 'offboarded_member_found_again'
      ) {
        deletions.push(event);
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { deletions, dropFilesRemoved, exported, exportedFileNames };
}

/** Whether the member's offboarding reached its deletion (`markMemberDataDeletionDue`). */
async function deletionDue(ctx: ControlContext, memberCode: string): Promise<boolean> {
  return (await listMemberDataDeletionsDue(ctx)).some((member) => member.code === memberCode);
}

/** Pure: the counts of `member.data_deleted` events added up. */
function sumDeletions(deletions: TAuditEvent[]): TDeletionCounts {
  const sum = Object.fromEntries(DELETION_COUNTS.map((key) => [key, 0])) as TDeletionCounts;
  for (const { details } of deletions) {
    for (const key of DELETION_COUNTS) sum[key] += Number(details[key] ?? 0);
  }
  return sum;
}

/** The member's newest PGP key that is neither revoked nor expired at `now`. */
async function usableMemberKey(
  ctx: ControlContext,
  memberCode: string,
  now: Date,
): Promise<TOrganisationKey> {
  const keys = await listOrganisationKeys(ctx, { organisationCode: memberCode, keyType: 'pgp' });
  const [key] = keys
    .filter((entry) => isKeyUsable(entry, now))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  if (!key) {
    throw new AppError(
      'validation_failed',
      `member ${memberCode} has no valid PGP key to receive its export: register one, or offboard with --delete-only`,
      { retry: false },
    );
  }
  return key;
}
