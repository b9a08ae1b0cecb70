import os from 'node:os';
import type { TConfig } from '@alliage/config';
import {
  acknowledgeAlert,
  addOrganisationKey,
  addRepoussoirEntry,
  cliActor,
  createApiToken,
  createAuditCheckpoint,
  createOrganisation,
  createPrincipal,
  decideSelection,
  exportAuditEvents,
  getInstruction,
  getMemberDialect,
  getPullSource,
  getPushTarget,
  getRepoussoirStats,
  importRepoussoirBatches,
  listAlerts,
  listApiTokens,
  listDeliveries,
  listInstructionVersions,
  listOrganisations,
  listSelections,
  readAuditCheckpoint,
  recordSeedHit,
  removePushTarget,
  requestDeliveryPush,
  retryFileDrop,
  revokeApiToken,
  runAuditVerification,
  setInstruction,
  setMemberDialect,
  setPullSource,
  setPushTarget,
  type TPullSource,
  type TPushTarget,
  tailAuditEvents,
  withdrawRepoussoirEntry,
  withdrawRepoussoirProvenance,
} from '@alliage/control';
import { inspectSshPublicKey, sshPublicKeyFromPrivate } from '@alliage/crypto';
import {
  AppError,
  formatRegisterCsv,
  formatRegisterMarkdown,
  parseInput,
  ZRepoussoirAddRequest,
  ZRepoussoirImportRequest,
  ZRightsRequestClosure,
  ZRightsRequestExtension,
  ZRightsRequestInput,
} from '@alliage/domain';
import type { TWarehouse } from '@alliage/warehouse';
import { destination, pino } from 'pino';
import type { AdminBackend, TPullSourceView, TPushTargetView } from './admin-backend.ts';
import { dropStoreIn, sftpRootIn } from './data-dir-paths.ts';
import { openPlatform } from './open-platform.ts';
import { registerSettings } from './register-settings.ts';
import { readPreviousPgpPublicKeys } from './rotate-platform-pgp-key.ts';

const ZRepoussoirListImport = ZRepoussoirImportRequest.omit({ entries: true });

// The pool, rights, selection and warehouse packages (DuckDB, the pipelines) are loaded by
// the commands that use them only: most commands touch the control plane alone, and each
// of these packages costs every command its module loading otherwise.
const poolPackage = () => import('@alliage/pool');
const rightsPackage = () => import('@alliage/rights');

/** Admin commands run in this process against the data directory (the platform is stopped). */
export async function createDirectAdminBackend(config: TConfig): Promise<AdminBackend> {
  const platform = await openPlatform(config, { kind: 'cli' });
  const { ctx, secrets } = platform;
  const actor = cliActor(os.userInfo().username);
  return {
    mode: 'direct',
    addOrganisation: (input) => createOrganisation(ctx, actor, input),
    listOrganisations: () => listOrganisations(ctx),
    createToken: async (input) => {
      const principal = await createPrincipal(ctx, actor, {
        name: input.name ?? `${input.role} ${input.organisationCode ?? 'staff'}`,
        role: input.role,
        organisationCode: input.organisationCode,
      });
      const { token, apiToken } = await createApiToken(ctx, actor, {
        principalId: principal.id,
        name: input.name,
        expiresInDays: input.expiresInDays,
      });
      return { principal, token, apiToken };
    },
    revokeToken: (tokenId) => revokeApiToken(ctx, actor, tokenId),
    listTokens: (organisationCode) =>
      listApiTokens(ctx, organisationCode ? { organisationCode } : {}),
    addKey: (input) => addOrganisationKey(ctx, actor, input),
    setInstruction: (memberCode, body) => setInstruction(ctx, actor, memberCode, body),
    showInstructions: async (memberCode, history) => {
      if (history) return listInstructionVersions(ctx, memberCode);
      const current = await getInstruction(ctx, memberCode);
      if (!current) throw new AppError('not_found', `member ${memberCode} has no instruction yet`);
      return [current];
    },
    verifyAudit: async (signedCheckpoint) => {
      const checkpoint = signedCheckpoint
        ? await readAuditCheckpoint(signedCheckpoint, [
            secrets.pgp.armoredPublicKey,
            // Checkpoints signed before a key rotation verify with the key of their time.
            ...readPreviousPgpPublicKeys(config.dataDir),
          ])
        : undefined;
      // Recorded and, when broken, alerted on, as through the API.
      return (await runAuditVerification(ctx, actor, { checkpoint })).verification;
    },
    exportAudit: ({ format, filter: { organisation, action, ...filter } }) =>
      exportAuditEvents(ctx, actor, {
        format,
        filter: {
          ...filter,
          ...(action === undefined ? {} : { action }),
          ...(organisation === undefined ? {} : { organisationCode: organisation }),
        },
      }),
    checkpointAudit: () => createAuditCheckpoint(ctx, actor, secrets.pgp),
    tailAudit: (count) => tailAuditEvents(ctx, actor, count),
    setDialect: (memberCode, profile) => setMemberDialect(ctx, actor, memberCode, profile as never),
    getDialect: (memberCode) => getMemberDialect(ctx, memberCode),
    setPullSource: async (memberCode, input) =>
      toPullSourceView(await setPullSource(ctx, actor, memberCode, input)),
    getPullSource: async (memberCode) => {
      const source = await getPullSource(ctx, memberCode);
      if (!source) throw new AppError('not_found', `member ${memberCode} has no pull source`);
      return toPullSourceView(source);
    },
    // Loaded when used: the job code (BullMQ and the worker's handlers) is not every command's.
    pullMember: async (memberCode) =>
      (await import('./run-direct-pull.ts')).runDirectPull(config, platform, actor, memberCode),
    // Normalised and hashed here, with the platform secret, exactly as the API does.
    addRepoussoirEntry: async (input) => {
      const { kind, value, ...entry } = parseInput(ZRepoussoirAddRequest, input);
      const { hashRepoussoirValues } = await rightsPackage();
      const [hashed] = hashRepoussoirValues(secrets.hmacSecret, [{ kind, value }], () => 'value');
      return addRepoussoirEntry(ctx, actor, { ...entry, kind, hmac: hashed!.hmac });
    },
    withdrawRepoussoirEntry: (entryId, reason) =>
      withdrawRepoussoirEntry(ctx, actor, entryId, { reason }),
    withdrawRepoussoirProvenance: (input) => withdrawRepoussoirProvenance(ctx, actor, input),
    repoussoirStats: () => getRepoussoirStats(ctx),
    createRightsRequest: (input) =>
      withPool(async (warehouse) =>
        (await rightsPackage()).createRightsRequest(
          {
            ctx,
            warehouse,
            hmacSecret: secrets.hmacSecret,
            sftpRoot: sftpRootIn(config.dataDir),
            dropStore: dropStoreIn(config.dataDir),
            signingKey: {
              armoredPrivateKey: secrets.pgp.armoredPrivateKey,
              passphrase: secrets.pgp.passphrase,
            },
          },
          actor,
          parseInput(ZRightsRequestInput, input),
        ),
      ),
    listRightsRequests: async (overdue) =>
      (await rightsPackage()).readRightsRequests(ctx, actor, overdue ? { overdue } : {}),
    getRightsRequest: async (requestId) =>
      (await rightsPackage()).readRightsRequest(ctx, actor, requestId),
    extendRightsRequest: async (requestId, input) =>
      (await rightsPackage()).extendRightsRequest(
        ctx,
        actor,
        requestId,
        parseInput(ZRightsRequestExtension, input),
      ),
    closeRightsRequest: async (requestId, input) =>
      (await rightsPackage()).closeRightsRequest(
        ctx,
        actor,
        requestId,
        parseInput(ZRightsRequestClosure, input),
      ),
    // Staged batch by batch and committed as one change: nothing is in force until the
    // whole list is in, and a failure anywhere leaves the repoussoir as it was.
    importRepoussoirList: async (request, batches) => {
      const { scope, ...provenance } = parseInput(ZRepoussoirListImport, request);
      const { hashRepoussoirValues } = await rightsPackage();
      const { imported } = await importRepoussoirBatches(
        ctx,
        actor,
        provenance,
        {},
        async (stage) => {
          for await (const batch of batches) {
            const hashed = hashRepoussoirValues(
              secrets.hmacSecret,
              batch,
              (index) => `entries.${index}.value`,
            );
            await stage(hashed.map((entry) => ({ ...entry, scope })));
          }
          return { commit: true, value: null };
        },
      );
      return imported ?? { added: 0, alreadyPresent: 0 };
    },
    platformSshKey: async () => {
      const { fingerprint, openssh } = inspectSshPublicKey(
        sshPublicKeyFromPrivate(secrets.sshClientKey),
      );
      return { fingerprint, publicKey: openssh };
    },
    exportRegister: async (format) => {
      // The pool is not opened for this: its encryption is stated as unknown, not guessed.
      const settings = registerSettings(config, () => null);
      const register = await (await poolPackage()).generateProcessorRegister(ctx, actor, {
        processor: settings.processor,
        transfersOutsideEu: settings.transfersOutsideEu,
        securityMeasures: settings.securityMeasures(),
        format,
      });
      if (format === 'markdown') return formatRegisterMarkdown(register);
      if (format === 'csv') return formatRegisterCsv(register);
      return register;
    },
    platformPgpKey: async () => ({
      fingerprint: secrets.pgp.fingerprint,
      armoredPublicKey: secrets.pgp.armoredPublicKey,
    }),
    buildPool: (full) =>
      withPool(async (warehouse) =>
        (await poolPackage()).runPoolBuild({
          ctx,
          warehouse,
          actor,
          full,
          trigger: 'operator',
          hmacSecret: secrets.hmacSecret,
        }),
      ),
    poolStats: () =>
      withPool(async (warehouse) => (await import('@alliage/warehouse')).getPoolStats(warehouse)),
    poolSegments: () =>
      withPool(async (warehouse) =>
        (await poolPackage()).listPoolSegments(warehouse, config.pool.countThreshold),
      ),
    exportPoolIdentities: () =>
      withPool(
        async (warehouse) =>
          (await (await poolPackage()).exportPoolIdentities({ ctx, warehouse, actor })).csv,
      ),
    importReferenceTable: (input) =>
      withPool(async (warehouse) =>
        (await poolPackage()).importPoolReference({ ctx, warehouse, actor, ...input }),
      ),
    listSelections: () => listSelections(ctx, {}),
    // Direct mode records the decision only: the delivery is queued by the next
    // `alliage serve` (at start, then hourly), which dispatches approved selections.
    decideSelection: (selectionId, decision, reason) =>
      decideSelection(ctx, actor, { selectionId, decision, reason }),
    listDeliveries: () => listDeliveries(ctx, {}),
    setPushTarget: async (clientCode, input) =>
      toPushTargetView(await setPushTarget(ctx, actor, clientCode, input)),
    getPushTarget: async (clientCode) => {
      const target = await getPushTarget(ctx, clientCode);
      if (!target) throw new AppError('not_found', `client ${clientCode} has no push target`);
      return toPushTargetView(target);
    },
    removePushTarget: async (clientCode) => {
      await removePushTarget(ctx, actor, clientCode);
      return { removed: true };
    },
    // No worker runs while the platform is stopped: the push happens here.
    pushDelivery: async (deliveryId) => {
      await requestDeliveryPush(ctx, deliveryId);
      const { pushDeliveryFile } = await import('@alliage/selection');
      return pushDeliveryFile(
        {
          ctx,
          sftpRoot: sftpRootIn(config.dataDir),
          clientPrivateKey: secrets.sshClientKey,
        },
        deliveryId,
        actor,
      );
    },
    recordSeedHit: (input) =>
      recordSeedHit(ctx, actor, {
        contact: input.contact,
        channel: input.channel,
        contactedAt: parseContactedAt(input.contactedAt),
      }),
    // Direct mode records the retry only: the next `alliage serve` queues it at start
    // (and hourly), as it does every unfinished drop.
    retryFileDrop: (fileDropId) => retryFileDrop(ctx, actor, fileDropId),
    listAlerts: (options) => listAlerts(ctx, { open: options?.open }),
    acknowledgeAlert: (alertId, note) => acknowledgeAlert(ctx, actor, { alertId, note }),
    close: () => platform.close(),
  };

  /** Opens the pool for one command: this process is then its writer, briefly. */
  async function withPool<T>(work: (warehouse: TWarehouse) => Promise<T>): Promise<T> {
    const logger = pino({ level: 'warn' }, destination({ dest: 2, sync: true }));
    const { openPool } = await import('./open-pool.ts');
    const warehouse = await openPool(config, platform, logger);
    try {
      return await work(warehouse);
    } finally {
      await warehouse.close();
    }
  }
}

/** What commands show of a source: the internal organisation id stays inside. */
function toPullSourceView({
  organisationId: _organisationId,
  ...view
}: TPullSource): TPullSourceView {
  return view;
}

/** What commands show of a push target: the internal organisation id stays inside. */
function toPushTargetView({
  organisationId: _organisationId,
  ...view
}: TPushTarget): TPushTargetView {
  return view;
}

/** A seed hit's contact time: an ISO date-time with its offset. */
function parseContactedAt(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) {
    throw new AppError('validation_failed', 'contactedAt must be an ISO date-time', {
      fields: [{ path: 'contactedAt', message: 'must be an ISO date-time with offset' }],
    });
  }
  return date;
}
