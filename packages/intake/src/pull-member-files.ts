import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  type ControlContext,
  getOrganisation,
  getPullSource,
  hasPulledFile,
  raiseAlert,
  recordPulledFile,
  registerFileDrop,
  SYSTEM_ACTOR,
  type TActor,
  type TPullSource,
} from '@alliage/control';
import { AppError, isAppError, parseDropFileName, type TPullResult } from '@alliage/domain';
import type SftpClient from 'ssh2-sftp-client';
import {
  connectPinnedSftp,
  HostKeyMismatchError,
  type TPinnedSftpSession,
} from './connect-pinned-sftp.ts';
import { downloadRemoteFile } from './download-remote-file.ts';
import { publishPulledFile } from './publish-pulled-file.ts';

/** Queues the intake job of a new drop, inside the transaction that registers it. */
export type TEnqueueDrop = Parameters<typeof registerFileDrop>[3];

/** What the puller needs; services pass their configuration and resources in. */
export interface PullDeps {
  ctx: ControlContext;
  /** SFTP storage root: fetched files land in `<root>/<ORG>/in/`, like uploads. */
  sftpRoot: string;
  /** The platform's SSH client private key (members authorise its public half). */
  clientPrivateKey: string;
  /** Size cap per file: the SFTP upload cap. */
  maxFileBytes: number;
  enqueue: TEnqueueDrop;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Handshake and login timeout; default 20 s. */
  connectTimeoutMs?: number;
  /** A download that receives nothing for this long fails; default 60 s. */
  idleTimeoutMs?: number;
}

/** Drop names are short; a longer one is no member file (and would not fit a suffix). */
const MAX_NAME_LENGTH = 200;

/**
 * Fetches a member's new files from its own SFTP/MFT server into its inbox, then
 * runs them through the same pipeline as uploads: each file is registered as a
 * `pull` drop with its intake job queued, recorded as pulled, and `file.pulled`
 * appended. The server must present the pinned host key (AppError `conflict`
 * otherwise, nothing fetched); the platform logs in with its client key. Only
 * regular files named like member files are taken; a file fetched before (same
 * path, size and time) is skipped; nothing is ever deleted on the member's server.
 * A failed run appends `alert.raised` and throws.
 *
 * @example
 * const { fetched, skipped, ignored } = await pullMemberFiles(deps, 'M01');
 */
export async function pullMemberFiles(
  deps: PullDeps,
  memberCode: string,
  actor: TActor = SYSTEM_ACTOR,
): Promise<TPullResult> {
  const source = await getPullSource(deps.ctx, memberCode);
  if (!source) throw new AppError('not_found', `member ${memberCode} has no pull source`);
  const member = await getOrganisation(deps.ctx, memberCode);
  if (member.status !== 'active') {
    throw new AppError('forbidden', `member ${memberCode} is ${member.status}; nothing is pulled`);
  }
  if (!source.enabled) {
    throw new AppError('conflict', `the pull source of ${memberCode} is disabled`);
  }

  const result: TPullResult = { fetched: 0, skipped: 0, ignored: 0, fileDropIds: [] };
  let session: TPinnedSftpSession | null = null;
  try {
    session = await connectPinnedSftp({
      endpoint: source,
      privateKey: deps.clientPrivateKey,
      timeoutMs: deps.connectTimeoutMs ?? 20_000,
      label: `the SFTP server of ${memberCode}`,
      consequence: 'nothing was fetched',
    });
    await fetchNewFiles(deps, session.client, source, actor, result);
  } catch (error) {
    await raisePullAlert(deps, actor, source, error, result);
    throw error;
  } finally {
    await session?.close();
  }
  deps.logger?.info(
    {
      organisation: memberCode,
      fetched: result.fetched,
      skipped: result.skipped,
      ignored: result.ignored,
    },
    'member files pulled',
  );
  return result;
}

async function fetchNewFiles(
  deps: PullDeps,
  client: SftpClient,
  source: TPullSource,
  actor: TActor,
  result: TPullResult,
): Promise<void> {
  let entries: SftpClient.FileInfo[];
  try {
    entries = await client.list(source.remoteDir);
  } catch (error) {
    throw new AppError(
      'unavailable',
      `cannot list the remote directory of ${source.organisationCode}`,
      { retry: true, cause: error },
    );
  }
  const inbox = path.join(deps.sftpRoot, source.organisationCode, 'in');
  await mkdir(inbox, { recursive: true, mode: 0o750 });
  // Oldest first, by the server's modification time (names may carry DDMMYYYY dates):
  // drops load in the order they are queued, and a full base loaded after a newer one
  // would bring back the customers the newer one removed. Same time: by name.
  entries.sort(
    (left, right) =>
      (left.modifyTime ?? 0) - (right.modifyTime ?? 0) ||
      (left.name < right.name ? -1 : left.name > right.name ? 1 : 0),
  );
  let tooLarge = 0;

  for (const entry of entries) {
    if (entry.name === '.' || entry.name === '..') continue;
    const remotePath = path.posix.join(source.remoteDir, entry.name);
    if (
      !(await isRegularFile(client, entry, remotePath)) ||
      entry.name.length > MAX_NAME_LENGTH ||
      parseDropFileName(entry.name) === null
    ) {
      result.ignored += 1;
      continue;
    }
    if (entry.size > deps.maxFileBytes) {
      result.ignored += 1;
      tooLarge += 1;
      continue;
    }
    const remote = { remotePath, remoteSize: entry.size, remoteMtime: new Date(entry.modifyTime) };
    if (await hasPulledFile(deps.ctx, { organisationId: source.organisationId, ...remote })) {
      result.skipped += 1;
      continue;
    }

    // `.upload-*.part` is the drop zone's temp name: hidden from the member's
    // listing, and swept by age if this process dies mid-download.
    const tempPath = path.join(inbox, `.upload-${randomBytes(8).toString('hex')}.part`);
    const download = await downloadRemoteFile(client, remotePath, tempPath, {
      maxBytes: deps.maxFileBytes,
      ...(deps.idleTimeoutMs ? { idleTimeoutMs: deps.idleTimeoutMs } : {}),
    });
    if (!download.ok) {
      result.ignored += 1;
      tooLarge += 1;
      continue;
    }
    if (download.file.size !== entry.size) {
      // Still being written on the member's side: the next run fetches it whole.
      await rm(tempPath, { force: true });
      result.skipped += 1;
      continue;
    }
    const fileName = await publishPulledFile(tempPath, inbox, entry.name);
    const storagePath = path.join(inbox, fileName);
    try {
      const drop = await registerFileDrop(
        deps.ctx,
        actor,
        {
          organisationCode: source.organisationCode,
          fileName,
          source: 'pull',
          sizeBytes: download.file.size,
          sha256: download.file.sha256,
          storagePath,
        },
        async (created, trx) => {
          await recordPulledFile(trx, deps.ctx.clock, actor, created, remote);
          await deps.enqueue(created, trx);
        },
      );
      result.fetched += 1;
      result.fileDropIds.push(drop.id);
      deps.logger?.info(
        { organisation: source.organisationCode, fileDropId: drop.id, size: drop.sizeBytes },
        'member file pulled',
      );
    } catch (error) {
      // Never leave a file in the inbox without its drop and job.
      await rm(storagePath, { force: true });
      if (isAppError(error) && error.code === 'conflict') {
        result.skipped += 1; // a concurrent pull recorded it first
        continue;
      }
      throw error;
    }
  }
  if (tooLarge > 0) {
    deps.logger?.warn(
      { organisation: source.organisationCode, tooLarge, maxBytes: deps.maxFileBytes },
      'remote files above the size cap were not pulled',
    );
  }
}

/** Regular files only: a listing's `type` comes from its `ls -l` line, else from a stat. */
async function isRegularFile(
  client: SftpClient,
  entry: SftpClient.FileInfo,
  remotePath: string,
): Promise<boolean> {
  if (entry.type === '-') return true;
  if (String(entry.type) !== '') return false;
  // lstat, so that a link is never followed out of the member's directory. The
  // library has it since v10; its community types (v9) do not list it yet.
  const withLstat = client as SftpClient & { lstat: SftpClient['stat'] };
  const stats = await withLstat.lstat(remotePath).catch(() => null);
  return stats?.isFile === true;
}

/**
 * Raises an alert for a failed run (listed by `GET /v1/alerts`, recorded as
 * `alert.raised`): a host key other than the pinned one is critical, one per host
 * and hour; any other failure a warning, one alert per member and day. An
 * alerting failure must not hide the first error.
 */
async function raisePullAlert(
  deps: PullDeps,
  actor: TActor,
  source: TPullSource,
  error: unknown,
  result: TPullResult,
): Promise<void> {
  try {
    if (error instanceof HostKeyMismatchError) {
      await raiseAlert(deps.ctx, actor, {
        kind: 'sftp_host_key_mismatch',
        severity: 'critical',
        organisationCode: source.organisationCode,
        details: {
          reason: 'pull_host_key_mismatch',
          organisation: source.organisationCode,
          host: source.host,
          port: source.port,
          pinnedHostKey: source.hostKeySha256,
          presentedHostKey: error.presentedHostKey,
        },
        dedupe: { detailKey: 'host', withinMs: 3_600_000 },
      });
      return;
    }
    await raiseAlert(deps.ctx, actor, {
      kind: 'pull_failed',
      severity: 'warning',
      organisationCode: source.organisationCode,
      details: {
        reason: 'pull_failed',
        organisation: source.organisationCode,
        code: isAppError(error) ? error.code : 'internal',
        fetched: result.fetched,
        skipped: result.skipped,
        ignored: result.ignored,
      },
      dedupe: { detailKey: 'organisation', withinMs: 86_400_000 },
    });
  } catch (alertError) {
    deps.logger?.warn(
      // The error's name only: database messages can quote the values they refused.
      {
        organisation: source.organisationCode,
        err: alertError instanceof Error ? alertError.name : 'unknown',
      },
      'pull failure could not be alerted',
    );
  }
}
