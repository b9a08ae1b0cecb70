import {
  appendAuditEvent,
  isKeyUsable,
  listOrganisationKeys,
  type TActor,
  type TOrganisationKey,
} from '@alliage/control';
import { encryptAndSign } from '@alliage/crypto';
import { AppError, isAppError } from '@alliage/domain';
import { readMemberCustomerData } from '@alliage/warehouse';
import { buildAccessProfile } from './build-access-profile.ts';
import { listAccessRecipients } from './list-access-recipients.ts';
import type { TRightsDeps } from './rights-deps.ts';
import type { TRightsRequest, TRightsRequestItem } from './rights-request.ts';
import { writeMemberReportFile } from './write-member-report-file.ts';

const ANSWER_ROUTE =
  'then record your answer with POST /v1/members/{code}/rights-requests/{id}/answer';

/** What each type asks of the member (the controller), in the report. */
const MEMBER_ACTION: Record<TRightsRequest['type'], string> = {
  access: `access (Art. 15): answer the person; the encrypted data file holds what Alliage holds of these customers, the recipients of their data (the deliveries you supplied them to) and the profile Alliage derives from your records of them (segments and scores, each explained); ${ANSWER_ROUTE}`,
  portability: `portability (Art. 20): answer the person; the encrypted data file holds what Alliage holds of these customers; ${ANSWER_ROUTE}`,
  erasure:
    'erasure (Art. 17): decide; once erased on your side, confirm with POST /v1/members/{code}/rights-requests/{id}/confirm-erasure and Alliage deletes these customers from the pool',
  opposition: `opposition (Art. 21): Alliage already excludes the person from every selection; record the opposition on your side, answer the person; ${ANSWER_ROUTE}`,
  rectification: `rectification (Art. 16): correct the data on your side, send the corrected file and answer the person; ${ANSWER_ROUTE}`,
};

/**
 * Forwards a request to one member holding records of the person: for access and
 * portability, the person's data at that member (records and transactions from the
 * pool; for access also the recipients: the deliveries of the person this member
 * supplied, and the profile derived from this member's records alone) as JSON encrypted to the member's valid PGP key and signed by the platform,
 * then a JSON report (request ID, type, deadline, the member's customer IDs) in the
 * member's SFTP `reports/`. The item becomes `forwarded`, or `failed` with a safe error
 * (retryable); audited `rights_request.updated` either way. Never throws for a
 * member-side problem, so the other members are still served.
 *
 * @example
 * const item = await forwardRightsRequestItem(deps, actor, request, request.items[0]);
 */
export async function forwardRightsRequestItem(
  deps: TRightsDeps,
  actor: TActor,
  request: TRightsRequest,
  item: TRightsRequestItem,
): Promise<TRightsRequestItem['status']> {
  const { ctx } = deps;
  const reportFile = `rights-request-${request.id}.json`;
  let dataFile: string | null = null;
  let recipientCount: number | undefined;
  let profileCount: number | undefined;
  try {
    if (request.type === 'access' || request.type === 'portability') {
      const key = await usableMemberKey(deps, item.memberCode);
      const data = await readMemberCustomerData(deps.warehouse, item.memberCode, item.customerIds);
      // Art. 15(1)(c) is a right of access; a portability export carries the data alone.
      const recipients =
        request.type === 'access'
          ? await listAccessRecipients(deps, item.memberCode, item.customerIds)
          : undefined;
      recipientCount = recipients?.length;
      // Art. 15(1) covers the derived data too, and 15(1)(h) the existence of profiling.
      const profile =
        request.type === 'access'
          ? await buildAccessProfile(deps, item.memberCode, item.customerIds)
          : undefined;
      profileCount = profile?.persons.length;
      dataFile = `rights-request-${request.id}-data.json.gpg`;
      const encrypted = await encryptAndSign({
        data: Buffer.from(
          `${JSON.stringify({ requestId: request.id, type: request.type, ...data, recipients, profile }, null, 2)}\n`,
        ),
        recipientArmoredPublicKey: key.publicKey,
        signingArmoredPrivateKey: deps.signingKey.armoredPrivateKey,
        passphrase: deps.signingKey.passphrase,
        fileName: dataFile.replace(/\.gpg$/, ''),
        now: ctx.clock(),
      });
      await writeMemberReportFile(deps.sftpRoot, item.memberCode, dataFile, encrypted.message);
    }
    const report = {
      requestId: request.id,
      type: request.type,
      memberCode: item.memberCode,
      receivedAt: request.receivedAt.toISOString(),
      dueAt: request.deadline.toISOString(),
      customerIds: item.customerIds,
      dataFile,
      action: MEMBER_ACTION[request.type],
    };
    await writeMemberReportFile(
      deps.sftpRoot,
      item.memberCode,
      reportFile,
      Buffer.from(`${JSON.stringify(report, null, 2)}\n`),
    );
  } catch (error) {
    const safe = isAppError(error)
      ? { code: error.code, message: error.message }
      : { code: 'internal', message: 'the request could not be forwarded to this member' };
    await setItemOutcome(deps, actor, request, item, {
      status: 'failed',
      errorCode: safe.code,
      errorMessage: safe.message,
      step: 'forward_failed',
    });
    return 'failed';
  }
  await setItemOutcome(deps, actor, request, item, {
    status: 'forwarded',
    reportFile,
    dataFile,
    recipientCount,
    profileCount,
    step: 'forwarded',
  });
  return 'forwarded';
}

async function setItemOutcome(
  deps: TRightsDeps,
  actor: TActor,
  request: TRightsRequest,
  item: TRightsRequestItem,
  outcome: {
    status: 'forwarded' | 'failed';
    step: string;
    reportFile?: string;
    dataFile?: string | null;
    /** Access: how many recipient deliveries the export lists. */
    recipientCount?: number | undefined;
    /** Access: how many persons' derived profiles the export holds (never their values). */
    profileCount?: number | undefined;
    errorCode?: string;
    errorMessage?: string;
  },
): Promise<void> {
  const { ctx } = deps;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('rights_request_items')
      .set({
        status: outcome.status,
        ...(outcome.status === 'forwarded'
          ? { report_file: outcome.reportFile ?? null, data_file: outcome.dataFile ?? null }
          : {}),
        error_code: outcome.errorCode ?? null,
        error_message: outcome.errorMessage ?? null,
        updated_at: ctx.clock(),
      })
      .where('id', '=', item.id)
      .execute();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'rights_request.updated',
      actor,
      objectType: 'rights_request',
      objectId: request.id,
      organisationCode: item.memberCode,
      details: {
        step: outcome.step,
        type: request.type,
        customerCount: item.customerIds.length,
        dataFile: Boolean(outcome.dataFile),
        ...(outcome.recipientCount === undefined ? {} : { recipients: outcome.recipientCount }),
        ...(outcome.profileCount === undefined ? {} : { profiles: outcome.profileCount }),
        ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
      },
    });
  });
}

/** The member's newest PGP key neither revoked nor expired (as deliveries pick a client's). */
async function usableMemberKey(deps: TRightsDeps, memberCode: string): Promise<TOrganisationKey> {
  const now = deps.ctx.clock();
  const keys = await listOrganisationKeys(deps.ctx, {
    organisationCode: memberCode,
    keyType: 'pgp',
  });
  const key = keys
    .filter((entry) => isKeyUsable(entry, now))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!key) {
    throw new AppError(
      'validation_failed',
      `member ${memberCode} has no valid PGP key (none registered, or all expired or revoked): register one, then retry`,
    );
  }
  return key;
}
