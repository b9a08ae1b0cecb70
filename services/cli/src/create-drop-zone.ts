import type { TConfig } from '@alliage/config';
import {
  appendAuditEvent,
  type ControlContext,
  findDeliveryByFileName,
  getOrganisation,
  listOrganisationKeys,
  recordDeliveryDownload,
  registerFileDrop,
  type TActor,
} from '@alliage/control';
import { isAppError, isMember } from '@alliage/domain';
import type { JobQueue } from '@alliage/queue';
import {
  createSftpServer,
  type SftpAccount,
  type SftpLogger,
  type SftpServer,
} from '@alliage/sftp';
import { enqueueFileDrop } from '@alliage/worker';
import { sftpRootIn } from './data-dir-paths.ts';

/** The actor recorded for what an organisation does over SFTP. */
function sftpActor(organisationCode: string | null): TActor {
  return {
    ref: `sftp:${organisationCode ?? 'unknown'}`,
    principalId: null,
    role: null,
    organisationId: null,
    organisationCode,
  };
}

/**
 * The SFTP account of organisation `username`, or null when it may not log in: an active
 * organisation sees the areas of its kind; an offboarded member still fetches its
 * offboarding export (Art. 28(3)(g)), so it sees `reports/` only — where nothing is
 * uploaded — until the export's files go. Revoked SSH keys are left out.
 *
 * @example
 * await lookupSftpAccount(ctx, 'M01') // { organisationCode: 'M01', kind: 'member', publicKeys: [...] }
 */
export async function lookupSftpAccount(
  ctx: ControlContext,
  username: string,
): Promise<SftpAccount | null> {
  try {
    const organisation = await getOrganisation(ctx, username);
    const departed = organisation.status === 'offboarded' && isMember(organisation.kind);
    if (organisation.status !== 'active' && !departed) return null;
    const keys = await listOrganisationKeys(ctx, {
      organisationCode: organisation.code,
      keyType: 'ssh',
    });
    return {
      organisationCode: organisation.code,
      kind: organisation.kind,
      publicKeys: keys.filter((key) => key.revokedAt === null).map((key) => key.publicKey),
      ...(departed ? { areas: ['reports' as const] } : {}),
    };
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') return null;
    throw error;
  }
}

/**
 * The SFTP drop zone wired to the control plane: accounts and SSH keys come from
 * the registered organisations, every completed upload becomes a file drop whose
 * intake job is queued in the same transaction, and SFTP events go to the audit chain.
 */
export function createDropZone(options: {
  config: TConfig;
  ctx: ControlContext;
  queue: JobQueue;
  hostKey: string;
  logger: SftpLogger;
}): SftpServer {
  const { config, ctx, queue } = options;
  return createSftpServer({
    hostKeys: [options.hostKey],
    storageRoot: sftpRootIn(config.dataDir),
    maxUploadBytes: config.sftp.maxUploadBytes,
    maxSessionsPerOrganisation: config.sftp.maxSessionsPerOrganisation,
    idleTimeoutMs: config.sftp.idleTimeoutSeconds * 1000,
    maxSessionMs: config.sftp.maxSessionSeconds * 1000,
    logger: options.logger,
    // Also re-read during sessions (each open, listing and stat): two indexed reads.
    lookupAccount: (username) => lookupSftpAccount(ctx, username),
    onUploadComplete: async (upload) => {
      await registerFileDrop(
        ctx,
        sftpActor(upload.organisationCode),
        {
          organisationCode: upload.organisationCode,
          fileName: upload.fileName,
          source: 'sftp',
          sizeBytes: upload.size,
          sha256: upload.sha256,
          storagePath: upload.path,
        },
        (drop) => enqueueFileDrop(queue, drop),
      );
    },
    onEvent: async (event) => {
      // registerFileDrop records file.received with the drop id, in its transaction.
      if (event.action === 'file.received') return;
      // A client reading a delivery from out/ is a delivery download (rule 8).
      if (
        event.action === 'file.downloaded' &&
        event.details.area === 'out' &&
        event.organisationCode &&
        typeof event.details.fileName === 'string'
      ) {
        const delivery = await findDeliveryByFileName(ctx, {
          clientOrgCode: event.organisationCode,
          fileName: event.details.fileName,
        });
        if (delivery) {
          await recordDeliveryDownload(ctx, sftpActor(event.organisationCode), {
            deliveryId: delivery.id,
            remoteAddress: event.remoteAddress,
          });
          return;
        }
      }
      await appendAuditEvent(ctx.db, ctx.clock, {
        action: event.action,
        actor: sftpActor(event.organisationCode),
        objectType: 'sftp_session',
        organisationCode: event.organisationCode,
        // The address is kept for security monitoring (bans, misuse signals).
        details: { ...event.details, remoteAddress: event.remoteAddress },
      });
    },
  });
}
