import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addOrganisationKey,
  type ControlContext,
  cliActor,
  createOrganisation,
  getDelivery,
  getPushTarget,
  listAlerts,
  listLatestAuditEvents,
  listPendingDeliveryPushes,
  markDeliveryExpired,
  removePushTarget,
  requestDeliveryPush,
  revokeOrganisationKey,
  SYSTEM_ACTOR,
  setPushTarget,
  type TOrganisationKey,
  updateOrganisation,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
  writeTestDelivery,
} from '@alliage/control/testing';
import {
  generatePgpKeyPair,
  generateSshHostKey,
  inspectSshPublicKey,
  sshPublicKeyFromPrivate,
} from '@alliage/crypto';
import { writeOutboxFile } from '@alliage/delivery';
import { type PushDeps, pushDeliveryFile } from '@alliage/selection';
import { type PlainSftpServer, startPlainSftpServer } from '@alliage/sftp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The client's own SFTP server is a second, plain SFTP server of ours (read-back,
// rename and remove, like OpenSSH's sftp-server), driven by the real ssh2-sftp-client.
const REMOTE_USER = 'alliage-push';
const operator = cliActor('operator');
const fingerprintOf = (privateKey: string) =>
  inspectSshPublicKey(sshPublicKeyFromPrivate(privateKey)).fingerprint;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each(testControlDbKinds())('pushing deliveries to the client server (%s)', (kind) => {
  let directory: string;
  let remoteRoot: string;
  let control: TestControlDb;
  let ctx: ControlContext;
  let server: PlainSftpServer;
  let hostKey: string;
  let clientKey: string;
  let deps: PushDeps;
  let _clientId = '';
  let clientPgpKey: TOrganisationKey;
  const registerClientPgpKey = async () => {
    // TEST-ONLY key of the client, the deliveries are (said to be) encrypted to.
    const pgp = await generatePgpKeyPair({ name: 'C01 (test only)', email: 'c01@example.invalid' });
    clientPgpKey = await addOrganisationKey(ctx, operator, {
      organisationCode: 'C01',
      keyType: 'pgp',
      publicKey: pgp.armoredPublicKey,
    });
  };
  const contents = new Map<string, Buffer>();

  const sftpRoot = () => path.join(directory, 'platform-sftp');
  const remoteIncoming = () => path.join(remoteRoot, 'incoming');
  const startServer = async (port?: number) =>
    startPlainSftpServer({
      hostKey,
      username: REMOTE_USER,
      publicKey: sshPublicKeyFromPrivate(clientKey),
      root: remoteRoot,
      ...(port === undefined ? {} : { port }),
    });
  const targetFor = (patch: Partial<Parameters<typeof setPushTarget>[3]> = {}) => ({
    host: '127.0.0.1',
    port: server.port,
    username: REMOTE_USER,
    remoteDir: '/incoming',
    hostKeySha256: fingerprintOf(hostKey),
    ...patch,
  });

  /** A written delivery of C01 whose encrypted file (random bytes here) sits in its out/. */
  const writtenDelivery = (expiresAt = new Date(Date.now() + 30 * 86_400_000)) =>
    writeTestDelivery(ctx, {
      clientOrgCode: 'C01',
      operator,
      expiresAt,
      name: 'Push test',
      recipientKeyFingerprint: clientPgpKey.fingerprint,
      writeFile: async (deliveryId) => {
        const data = randomBytes(200_000 + contents.size);
        const fileName = `C01_${deliveryId}.csv.gpg`;
        const written = await writeOutboxFile({
          directory: path.join(sftpRoot(), 'C01', 'out'),
          fileName,
          data,
        });
        contents.set(deliveryId, data);
        return { fileName, sizeBytes: written.sizeBytes, sha256: written.sha256 };
      },
    });

  const latestEvent = async () => (await listLatestAuditEvents(ctx, 1))[0];

  beforeAll(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'alliage-push-'));
    remoteRoot = path.join(directory, 'client-server');
    mkdirSync(path.join(remoteRoot, 'incoming'), { recursive: true });
    // TEST-ONLY keys, generated for this run.
    hostKey = generateSshHostKey();
    clientKey = generateSshHostKey();
    server = await startServer();

    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => new Date() };
    _clientId = (
      await createOrganisation(ctx, operator, {
        code: 'C01',
        name: 'Client',
        kind: 'client',
        sector: 'energie',
      })
    ).id;
    await registerClientPgpKey();
    await createOrganisation(ctx, operator, {
      code: 'M01',
      name: 'Member',
      kind: 'member',
      sector: 'automobile',
    });
    deps = {
      ctx,
      sftpRoot: sftpRoot(),
      clientPrivateKey: clientKey,
      connectTimeoutMs: 3000,
    };
  });

  afterAll(async () => {
    await server?.close();
    await control?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('leaves a delivery of a client without push target unpushed', async () => {
    expect(await getPushTarget(ctx, 'C01')).toBeNull();
    const delivery = await writtenDelivery();
    expect(delivery.pushStatus).toBe('not_configured');
    expect((await requestDeliveryPush(ctx, delivery.id, { whenConfigured: true })).pushStatus).toBe(
      'not_configured',
    );
    await expect(requestDeliveryPush(ctx, delivery.id)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('no enabled push target'),
    });
  });

  it('sets, reads and validates a push target (clients only), audited without the login', async () => {
    await expect(setPushTarget(ctx, operator, 'M01', targetFor())).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      setPushTarget(ctx, operator, 'C01', targetFor({ hostKeySha256: 'MD5:00:11' })),
    ).rejects.toMatchObject({ code: 'validation_failed', fields: [{ path: 'hostKeySha256' }] });
    const target = await setPushTarget(ctx, operator, 'C01', targetFor());
    expect(target).toMatchObject({
      organisationCode: 'C01',
      host: '127.0.0.1',
      remoteDir: '/incoming',
      enabled: true,
      updatedBy: 'cli:operator',
    });
    expect(await getPushTarget(ctx, 'C01')).toEqual(target);
    const event = await latestEvent();
    expect(event).toMatchObject({ action: 'push_target.changed', objectId: 'C01' });
    expect(JSON.stringify(event?.details)).not.toContain(REMOTE_USER);
  });

  it('pushes under a hidden name, reads it back, renames it: identical bytes, no temp left', async () => {
    const delivery = await writtenDelivery();
    const pending = await requestDeliveryPush(ctx, delivery.id, { whenConfigured: true });
    expect(pending.pushStatus).toBe('pending');
    expect((await listPendingDeliveryPushes(ctx)).map((row) => row.id)).toContain(delivery.id);

    const pushed = await pushDeliveryFile(deps, delivery.id);
    expect(pushed).toMatchObject({
      pushStatus: 'pushed',
      remotePath: `/incoming/${delivery.fileName}`,
      pushErrorCode: null,
    });
    expect(pushed.pushedAt).toBeInstanceOf(Date);
    const arrived = readFileSync(path.join(remoteIncoming(), delivery.fileName as string));
    expect(sha256(arrived)).toBe(delivery.sha256);
    expect(arrived.equals(contents.get(delivery.id) as Buffer)).toBe(true);
    expect(readdirSync(remoteIncoming())).toEqual([delivery.fileName]);
    // The local delivery stays downloadable from the client's out/.
    expect(existsSync(path.join(sftpRoot(), 'C01', 'out', delivery.fileName as string))).toBe(true);
    expect(await latestEvent()).toMatchObject({
      action: 'delivery.pushed',
      objectId: delivery.id,
      organisationCode: 'C01',
      details: { remotePath: `/incoming/${delivery.fileName}`, sha256: delivery.sha256 },
    });

    // Pushing again changes nothing; an operator cannot re-request a pushed delivery.
    expect((await pushDeliveryFile(deps, delivery.id)).pushedAt).toEqual(pushed.pushedAt);
    await expect(requestDeliveryPush(ctx, delivery.id)).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('refuses a server presenting another host key: failed, audited, nothing uploaded', async () => {
    const otherKey = fingerprintOf(generateSshHostKey());
    await setPushTarget(ctx, operator, 'C01', targetFor({ hostKeySha256: otherKey }));
    const before = readdirSync(remoteIncoming()).sort();
    const delivery = await writtenDelivery();
    await requestDeliveryPush(ctx, delivery.id, { whenConfigured: true });

    const error = await pushDeliveryFile(deps, delivery.id).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'conflict', retry: false });
    expect((error as Error).message).toContain(`not the pinned ${otherKey}; nothing was pushed`);
    const failed = await getDelivery(ctx, delivery.id);
    expect(failed).toMatchObject({
      status: 'written',
      pushStatus: 'failed',
      pushErrorCode: 'conflict',
      remotePath: null,
    });
    expect(failed.pushErrorMessage).toContain('presented host key');
    expect(readdirSync(remoteIncoming()).sort()).toEqual(before);
    const [recorded, alerted] = await listLatestAuditEvents(ctx, 2);
    expect(recorded).toMatchObject({
      action: 'delivery.push_failed',
      objectId: delivery.id,
      details: {
        reason: 'push_host_key_mismatch',
        pinnedHostKey: otherKey,
        presentedHostKey: fingerprintOf(hostKey),
      },
    });
    // A possible interception reaches compliance's alert list.
    expect(alerted).toMatchObject({
      action: 'alert.raised',
      organisationCode: 'C01',
      details: { kind: 'sftp_host_key_mismatch', severity: 'critical', pinnedHostKey: otherKey },
    });
    expect((await listAlerts(ctx))[0]).toMatchObject({
      kind: 'sftp_host_key_mismatch',
      deliveryId: delivery.id,
    });
    // The delivery itself is unaffected, and a failed push is not re-queued by the delivery job.
    expect((await requestDeliveryPush(ctx, delivery.id, { whenConfigured: true })).pushStatus).toBe(
      'failed',
    );
  });

  it('fails while the server is down, then an operator retry pushes once it is back', async () => {
    await setPushTarget(ctx, operator, 'C01', targetFor());
    const port = server.port;
    const delivery = await writtenDelivery();
    await requestDeliveryPush(ctx, delivery.id, { whenConfigured: true });
    await server.close();

    await expect(pushDeliveryFile(deps, delivery.id)).rejects.toMatchObject({
      code: 'unavailable',
      retry: true,
      message: expect.stringContaining('cannot reach the SFTP server of C01'),
    });
    expect(await getDelivery(ctx, delivery.id)).toMatchObject({
      pushStatus: 'failed',
      pushErrorCode: 'unavailable',
    });

    server = await startServer(port);
    expect((await requestDeliveryPush(ctx, delivery.id)).pushStatus).toBe('pending');
    const pushed = await pushDeliveryFile(deps, delivery.id);
    expect(pushed).toMatchObject({ pushStatus: 'pushed', pushErrorCode: null });
    const arrived = readFileSync(path.join(remoteIncoming(), delivery.fileName as string));
    expect(arrived.equals(contents.get(delivery.id) as Buffer)).toBe(true);
    expect(readdirSync(remoteIncoming()).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('never pushes a delivery past its expiry the hourly pass has not marked yet', async () => {
    await setPushTarget(ctx, operator, 'C01', targetFor());
    const delivery = await writtenDelivery(new Date(Date.now() + 60_000));
    await requestDeliveryPush(ctx, delivery.id, { whenConfigured: true });
    const later = { ...ctx, clock: () => new Date(Date.now() + 120_000) };
    await expect(pushDeliveryFile({ ...deps, ctx: later }, delivery.id)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('expired at'),
    });
    await expect(requestDeliveryPush(later, delivery.id)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('expired at'),
    });
    expect(existsSync(path.join(remoteIncoming(), delivery.fileName as string))).toBe(false);
  });

  it('never pushes a delivery encrypted to a client key revoked since it was written', async () => {
    await setPushTarget(ctx, operator, 'C01', targetFor());
    const delivery = await writtenDelivery();
    await requestDeliveryPush(ctx, delivery.id, { whenConfigured: true });
    await revokeOrganisationKey(ctx, operator, clientPgpKey.id);
    await expect(pushDeliveryFile(deps, delivery.id)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('no longer valid'),
    });
    expect(existsSync(path.join(remoteIncoming(), delivery.fileName as string))).toBe(false);
    expect((await getDelivery(ctx, delivery.id)).pushStatus).toBe('failed');
    // The client's new key: later deliveries are encrypted to it.
    await registerClientPgpKey();
  });

  it('never pushes an expired delivery, nor without a target', async () => {
    const delivery = await writtenDelivery();
    await requestDeliveryPush(ctx, delivery.id, { whenConfigured: true });
    await markDeliveryExpired(ctx, SYSTEM_ACTOR, delivery.id);
    await expect(pushDeliveryFile(deps, delivery.id)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('is expired'),
    });
    await expect(requestDeliveryPush(ctx, delivery.id)).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(existsSync(path.join(remoteIncoming(), delivery.fileName as string))).toBe(false);

    const other = await writtenDelivery();
    await requestDeliveryPush(ctx, other.id, { whenConfigured: true });
    await removePushTarget(ctx, operator, 'C01');
    await expect(removePushTarget(ctx, operator, 'C01')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(pushDeliveryFile(deps, other.id)).rejects.toMatchObject({
      code: 'conflict',
      message: 'client C01 has no enabled push target',
    });
    expect((await getDelivery(ctx, other.id)).pushStatus).toBe('failed');
  });

  it('pushes nothing to a suspended client; an operator retry pushes once it is reactivated', async () => {
    await setPushTarget(ctx, operator, 'C01', targetFor());
    const delivery = await writtenDelivery();
    await requestDeliveryPush(ctx, delivery.id, { whenConfigured: true });
    // A seed-hit alert's answer: the client is suspended after its delivery was written.
    await updateOrganisation(ctx, operator, 'C01', { status: 'suspended' });
    try {
      await expect(pushDeliveryFile(deps, delivery.id)).rejects.toMatchObject({
        code: 'forbidden',
        retry: false,
        message: expect.stringContaining('client C01 is suspended'),
      });
      expect(await getDelivery(ctx, delivery.id)).toMatchObject({
        pushStatus: 'failed',
        pushErrorCode: 'forbidden',
      });
      expect((await latestEvent())?.action).toBe('delivery.push_failed');
      expect(existsSync(path.join(remoteIncoming(), delivery.fileName as string))).toBe(false);
    } finally {
      await updateOrganisation(ctx, operator, 'C01', { status: 'active' });
    }
    expect((await requestDeliveryPush(ctx, delivery.id)).pushStatus).toBe('pending');
    expect(await pushDeliveryFile(deps, delivery.id)).toMatchObject({ pushStatus: 'pushed' });
    expect(existsSync(path.join(remoteIncoming(), delivery.fileName as string))).toBe(true);
  });
});
