import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  type ControlContext,
  getDelivery,
  getOrganisation,
  getPushTarget,
  isKeyUsable,
  listOrganisationKeys,
  raiseAlert,
  recordDeliveryPush,
  SYSTEM_ACTOR,
  type TActor,
  type TDelivery,
  type TPushTarget,
} from '@alliage/control';
import { AppError, isAppError, pushTempFileName, remoteFilePath } from '@alliage/domain';
import {
  connectPinnedSftp,
  downloadRemoteFile,
  HostKeyMismatchError,
  type TPinnedSftpSession,
} from '@alliage/intake';

/** What the pusher needs; services pass their configuration and resources in. */
export interface PushDeps {
  ctx: ControlContext;
  /** SFTP storage root: the delivery is read from `<root>/<CLIENT>/out/`. */
  sftpRoot: string;
  /** The platform's SSH client private key (clients authorise its public half). */
  clientPrivateKey: string;
  /** Handshake and login timeout; default 20 s. */
  connectTimeoutMs?: number;
  /** A read-back that receives nothing for this long fails; default 60 s. */
  idleTimeoutMs?: number;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** Failures recorded before any connection: nothing was sent, and a retry changes nothing. */
class NotPushable extends AppError {}

/**
 * Pushes a written delivery to its client's own SFTP server: connects with the
 * pinned host key (another key: `conflict`, nothing sent), uploads the file from
 * the client's `out/` under a hidden temporary name in the target directory,
 * reads it back (size by stat, SHA-256 by streaming it) and only then renames it
 * to its final name. On any failure the remote temporary file is removed when
 * possible, the delivery's push is recorded `failed` with a safe message
 * (`delivery.push_failed`) and the error is rethrown — `retry: true` when a later
 * attempt may succeed. The local delivery stays available either way. Expired
 * deliveries (marked so, or past `expiresAt`) are not pushed, nor those encrypted to a
 * client key revoked or expired since, nor those of a client that is not active (`forbidden`,
 * nothing sent: an operator retries the push once the client is reactivated); a
 * pushed delivery is returned as it is.
 *
 * @example
 * const delivery = await pushDeliveryFile({ ctx, sftpRoot, clientPrivateKey }, deliveryId);
 */
export async function pushDeliveryFile(
  deps: PushDeps,
  deliveryId: string,
  actor: TActor = SYSTEM_ACTOR,
): Promise<TDelivery> {
  const delivery = await getDelivery(deps.ctx, deliveryId);
  if (delivery.pushStatus === 'pushed') return delivery;
  const client = delivery.clientOrgCode;
  let target: TPushTarget | null = null;
  try {
    if (delivery.status !== 'written' || delivery.fileName === null) {
      throw new NotPushable(
        'conflict',
        `delivery ${delivery.id} is ${delivery.status}; only a written delivery is pushed`,
      );
    }
    // Past its expiry it is no longer available, though the hourly pass has not marked it.
    const now = deps.ctx.clock();
    if (delivery.expiresAt.getTime() <= now.getTime()) {
      throw new NotPushable(
        'conflict',
        `delivery ${delivery.id} expired at ${delivery.expiresAt.toISOString()}; it is no longer pushed`,
      );
    }
    await assertRecipientKeyValid(deps.ctx, delivery, now);
    // A suspension (the answer to a seed-hit alert) stops what was already written too.
    const { status } = await getOrganisation(deps.ctx, client);
    if (status !== 'active') {
      throw new NotPushable(
        'forbidden',
        `client ${client} is ${status}: nothing is pushed to a client that is not active; retry the push once it is reactivated`,
      );
    }
    target = await getPushTarget(deps.ctx, client);
    if (!target?.enabled) {
      throw new NotPushable('conflict', `client ${client} has no enabled push target`);
    }
    const remotePath = await uploadChecked(deps, delivery, target);
    const pushed = await recordDeliveryPush(deps.ctx, actor, {
      deliveryId: delivery.id,
      outcome: 'pushed',
      remotePath,
      host: target.host,
      port: target.port,
    });
    deps.logger?.info({ deliveryId: delivery.id, client }, 'delivery pushed');
    return pushed;
  } catch (error) {
    const failure = toPushFailure(error, client);
    await recordFailure(deps, actor, delivery, failure, error, target);
    throw failure;
  }
}

/**
 * Refuses a delivery encrypted to a client key revoked or expired since it was written: a
 * client that reports its key compromised must not receive files only that key opens.
 */
async function assertRecipientKeyValid(
  ctx: ControlContext,
  delivery: TDelivery,
  now: Date,
): Promise<void> {
  const fingerprint = delivery.recipientKeyFingerprint?.toUpperCase();
  const keys = await listOrganisationKeys(ctx, {
    organisationCode: delivery.clientOrgCode,
    keyType: 'pgp',
  });
  const key = keys.find((candidate) => candidate.fingerprint.toUpperCase() === fingerprint);
  if (!key || !isKeyUsable(key, now)) {
    throw new NotPushable(
      'conflict',
      `delivery ${delivery.id} is encrypted to a client key that is no longer valid (revoked, expired or removed): nothing is pushed; the client orders a new delivery to its current key`,
    );
  }
}

/** Uploads, reads back, renames; returns the final remote path. */
async function uploadChecked(
  deps: PushDeps,
  delivery: TDelivery,
  target: TPushTarget,
): Promise<string> {
  const fileName = delivery.fileName as string;
  const localPath = path.join(deps.sftpRoot, delivery.clientOrgCode, 'out', fileName);
  await checkLocalFile(localPath, delivery);
  const label = `the SFTP server of ${delivery.clientOrgCode}`;
  const session: TPinnedSftpSession = await connectPinnedSftp({
    endpoint: target,
    privateKey: deps.clientPrivateKey,
    timeoutMs: deps.connectTimeoutMs ?? 20_000,
    label,
    consequence: 'nothing was pushed',
  });
  const sftp = session.client;
  const tempPath = remoteFilePath(
    target.remoteDir,
    pushTempFileName(fileName, randomBytes(8).toString('hex')),
  );
  const finalPath = remoteFilePath(target.remoteDir, fileName);
  const expected = { size: delivery.sizeBytes ?? -1, sha256: delivery.sha256 ?? '' };
  let step = 'upload';
  let tempMayExist = false;
  try {
    tempMayExist = true;
    await sftp.put(createReadStream(localPath), tempPath);
    step = 'read-back';
    const stats = await sftp.stat(tempPath);
    if (stats.size !== expected.size) {
      throw new AppError(
        'unavailable',
        `${label} holds ${stats.size} bytes of the uploaded delivery ${delivery.id}, not ${expected.size}; it was not renamed`,
        { retry: true },
      );
    }
    if (!(await remoteMatches(deps, sftp, tempPath, expected))) {
      throw new AppError(
        'unavailable',
        `the delivery ${delivery.id} read back from ${label} has another SHA-256 than the one sent; it was not renamed`,
        { retry: true },
      );
    }
    step = 'rename';
    // A previous attempt may have renamed the file and died before recording it.
    if ((await sftp.exists(finalPath)) !== false) {
      if (!(await remoteMatches(deps, sftp, finalPath, expected))) {
        throw new AppError(
          'conflict',
          `${label} already holds another file named ${fileName} in ${target.remoteDir}`,
        );
      }
      await sftp.delete(tempPath, true);
      tempMayExist = false;
      return finalPath;
    }
    await sftp.rename(tempPath, finalPath);
    tempMayExist = false;
    return finalPath;
  } catch (error) {
    if (tempMayExist) await sftp.delete(tempPath, true).catch(() => undefined);
    if (isAppError(error)) throw error;
    throw new AppError('unavailable', `the ${step} of delivery ${delivery.id} to ${label} failed`, {
      retry: true,
      cause: error,
    });
  } finally {
    await session.close();
  }
}

/** The local file must still be the one recorded: it is what the client's key was checked for. */
async function checkLocalFile(localPath: string, delivery: TDelivery): Promise<void> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    await pipeline(createReadStream(localPath), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        size += chunk.length;
        hash.update(chunk);
      }
    });
  } catch (error) {
    throw new NotPushable(
      'not_found',
      `the file of delivery ${delivery.id} is missing from the outbox`,
      {
        cause: error,
      },
    );
  }
  if (size !== delivery.sizeBytes || hash.digest('hex') !== delivery.sha256) {
    throw new NotPushable(
      'internal',
      `the file of delivery ${delivery.id} in the outbox no longer matches its recorded size and SHA-256`,
    );
  }
}

/** Streams a remote file back and compares size and SHA-256; nothing is written locally. */
async function remoteMatches(
  deps: PushDeps,
  sftp: TPinnedSftpSession['client'],
  remotePath: string,
  expected: { size: number; sha256: string },
): Promise<boolean> {
  const outcome = await downloadRemoteFile(sftp, remotePath, null, {
    maxBytes: expected.size,
    ...(deps.idleTimeoutMs ? { idleTimeoutMs: deps.idleTimeoutMs } : {}),
  });
  return (
    outcome.ok && outcome.file.size === expected.size && outcome.file.sha256 === expected.sha256
  );
}

/** Every failure as an AppError whose message is safe to record and show. */
function toPushFailure(error: unknown, client: string): AppError {
  if (isAppError(error)) return error;
  return new AppError('unavailable', `pushing a delivery of ${client} failed`, {
    retry: true,
    cause: error,
  });
}

/** Records `failed`; an audit failure must not hide the first error. */
async function recordFailure(
  deps: PushDeps,
  actor: TActor,
  delivery: TDelivery,
  failure: AppError,
  error: unknown,
  target: TPushTarget | null,
): Promise<void> {
  const mismatch = error instanceof HostKeyMismatchError;
  try {
    await recordDeliveryPush(deps.ctx, actor, {
      deliveryId: delivery.id,
      outcome: 'failed',
      errorCode: failure.code,
      errorMessage: failure.message,
      details: mismatch
        ? {
            reason: 'push_host_key_mismatch',
            host: target?.host ?? null,
            port: target?.port ?? null,
            pinnedHostKey: error.pinnedHostKey,
            presentedHostKey: error.presentedHostKey,
          }
        : { reason: 'push_failed', retry: failure.retry ? 'yes' : 'no' },
    });
  } catch (recordError) {
    deps.logger?.warn(
      // The error's name only: database messages can quote the values they refused.
      {
        deliveryId: delivery.id,
        err: recordError instanceof Error ? recordError.name : 'unknown',
      },
      'push failure could not be recorded',
    );
  }
  if (mismatch) {
    // Another host key than the pinned one may be an interception: compliance sees it.
    await raiseAlert(deps.ctx, actor, {
      kind: 'sftp_host_key_mismatch',
      severity: 'critical',
      deliveryId: delivery.id,
      clientOrgId: delivery.clientOrgId,
      organisationCode: delivery.clientOrgCode,
      details: {
        reason: 'push_host_key_mismatch',
        host: target?.host ?? null,
        port: target?.port ?? null,
        pinnedHostKey: error.pinnedHostKey,
        presentedHostKey: error.presentedHostKey,
      },
      dedupe: { detailKey: 'host', withinMs: 3_600_000 },
    }).catch((alertError: unknown) =>
      deps.logger?.warn(
        {
          deliveryId: delivery.id,
          err: alertError instanceof Error ? alertError.name : 'unknown',
        },
        'push host key mismatch could not be alerted',
      ),
    );
  }
  deps.logger?.warn(
    { deliveryId: delivery.id, client: delivery.clientOrgCode, code: failure.code },
    'delivery push failed',
  );
}
