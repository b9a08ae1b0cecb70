import type { TRepoussoirImportResult } from '@alliage/control';
import {
  AppError,
  REPOUSSOIR_IMPORT_MAX_ENTRIES,
  type TErrorCode,
  type TFieldIssue,
  type TPullResult,
} from '@alliage/domain';
import type { AdminBackend } from './admin-backend.ts';

interface Problem {
  code?: TErrorCode;
  detail?: string;
  title?: string;
  errors?: TFieldIssue[];
}

/** Admin commands sent to a running `serve` with the local operator credential. */
export function createHttpAdminBackend(baseUrl: string, operatorToken: string): AdminBackend {
  /** The successful response to a request; a problem document becomes its AppError. */
  const send = async (method: string, route: string, body?: unknown): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(new URL(route, baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${operatorToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new AppError('unavailable', `the running platform at ${baseUrl} did not answer`, {
        cause: error,
      });
    }
    if (!response.ok) {
      const text = await response.text();
      let problem: Problem = {};
      try {
        problem = JSON.parse(text) as Problem;
      } catch {
        // not a problem document: keep the status line only
      }
      throw new AppError(
        problem.code ?? 'internal',
        problem.detail ?? problem.title ?? `HTTP ${response.status}`,
        {
          fields: problem.errors ?? [],
        },
      );
    }
    return response;
  };
  const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await send(method, route, body);
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return (contentType.includes('json') ? JSON.parse(text) : text) as T;
  };
  const code = encodeURIComponent;
  return {
    mode: 'http',
    addOrganisation: (input) => call('POST', '/v1/organisations', input),
    listOrganisations: () => call('GET', '/v1/organisations'),
    createToken: (input) => call('POST', '/v1/tokens', input),
    revokeToken: (tokenId) => call('POST', `/v1/tokens/${code(tokenId)}/revoke`),
    listTokens: (organisationCode) =>
      call(
        'GET',
        `/v1/tokens${organisationCode ? `?organisationCode=${code(organisationCode)}` : ''}`,
      ),
    addKey: (input) =>
      call('POST', `/v1/organisations/${code(input.organisationCode)}/keys`, {
        type: input.keyType,
        publicKey: input.publicKey,
      }),
    setInstruction: (memberCode, body) =>
      call('PUT', `/v1/members/${code(memberCode)}/instructions`, body),
    showInstructions: async (memberCode, history) => {
      const result = await call<unknown>(
        'GET',
        `/v1/members/${code(memberCode)}/instructions${history ? '?history=1' : ''}`,
      );
      return (Array.isArray(result) ? result : [result]) as never;
    },
    verifyAudit: (signedCheckpoint) =>
      signedCheckpoint
        ? call('POST', '/v1/audit/verify', { checkpoint: signedCheckpoint })
        : call('GET', '/v1/audit/verify'),
    checkpointAudit: () => call('POST', '/v1/audit/checkpoints'),
    tailAudit: (count) => call('GET', `/v1/audit/tail?n=${count}`),
    exportAudit: async ({ format, filter }) => {
      const query = new URLSearchParams({ format });
      for (const [name, value] of Object.entries(filter)) {
        if (value !== undefined) query.set(name, value);
      }
      const response = await send('GET', `/v1/audit/export?${query}`);
      // Decoded as it arrives: the export is never held whole.
      return (response.body ?? new ReadableStream<Uint8Array>()).pipeThrough(
        new TextDecoderStream(),
      );
    },
    setDialect: (memberCode, profile) =>
      call('PUT', `/v1/members/${code(memberCode)}/dialect`, profile),
    getDialect: (memberCode) => call('GET', `/v1/members/${code(memberCode)}/dialect`),
    setPullSource: (memberCode, input) =>
      call('PUT', `/v1/members/${code(memberCode)}/pull-source`, input),
    getPullSource: (memberCode) => call('GET', `/v1/members/${code(memberCode)}/pull-source`),
    pullMember: async (memberCode) => ({
      ...(await call<TPullResult>('POST', `/v1/members/${code(memberCode)}/pull`)),
      intake: 'queued',
    }),
    addRepoussoirEntry: (input) => call('POST', '/v1/repoussoir', input),
    // The API takes one request's worth (REPOUSSOIR_IMPORT_MAX_ENTRIES) per change, so a
    // larger list goes in as one change per batch, in file order. An error stops it: what
    // went in stays in force (one more do-not-contact entry is never unsafe) and running
    // the same import again adds the rest (entries in force count as already present).
    // With the platform stopped, the direct backend imports any size as one change.
    importRepoussoirList: async (request, batches) => {
      const total = { added: 0, alreadyPresent: 0 };
      try {
        for await (const batch of batches) {
          const entries = batch.map(({ kind, value }) => ({ kind, value }));
          const result = await call<TRepoussoirImportResult>('POST', '/v1/repoussoir/import', {
            ...request,
            entries,
          });
          total.added += result.added;
          total.alreadyPresent += result.alreadyPresent;
        }
      } catch (error) {
        // The request refused, or the file changed while it was read: say what went in.
        const sent = total.added + total.alreadyPresent;
        if (sent === 0 || !(error instanceof AppError)) throw error;
        throw new AppError(
          error.code,
          `${error.message} (the first ${sent} entries went in before this error, each batch of ${REPOUSSOIR_IMPORT_MAX_ENTRIES} its own change; run the same import again to add the rest)`,
          { fields: error.fields, retry: error.retry, cause: error },
        );
      }
      return total;
    },
    withdrawRepoussoirEntry: (entryId, reason) =>
      call('POST', `/v1/repoussoir/entries/${code(entryId)}/withdraw`, { reason }),
    withdrawRepoussoirProvenance: (input) => call('POST', '/v1/repoussoir/withdrawals', input),
    repoussoirStats: () => call('GET', '/v1/repoussoir/stats'),
    createRightsRequest: (input) => call('POST', '/v1/rights-requests', input),
    listRightsRequests: (overdue) =>
      call('GET', `/v1/rights-requests${overdue ? '?overdue=1' : ''}`),
    getRightsRequest: (requestId) => call('GET', `/v1/rights-requests/${code(requestId)}`),
    extendRightsRequest: (requestId, input) =>
      call('POST', `/v1/rights-requests/${code(requestId)}/extend`, input),
    closeRightsRequest: (requestId, input) =>
      call('POST', `/v1/rights-requests/${code(requestId)}/close`, input),
    buildPool: (full) => call('POST', '/v1/pool/build', { full }),
    poolStats: () => call('GET', '/v1/pool/stats'),
    poolSegments: () => call('GET', '/v1/pool/segments'),
    exportPoolIdentities: () => call('GET', '/v1/pool/identities'),
    importReferenceTable: ({ name, ...body }) =>
      call('PUT', `/v1/reference-tables/${code(name)}`, body),
    listSelections: () => call('GET', '/v1/selections'),
    decideSelection: (selectionId, decision, reason) =>
      call('POST', `/v1/selections/${code(selectionId)}/${decision}`, { reason }),
    listDeliveries: () => call('GET', '/v1/deliveries'),
    setPushTarget: (clientCode, input) =>
      call('PUT', `/v1/clients/${code(clientCode)}/push-target`, input),
    getPushTarget: (clientCode) => call('GET', `/v1/clients/${code(clientCode)}/push-target`),
    removePushTarget: (clientCode) => call('DELETE', `/v1/clients/${code(clientCode)}/push-target`),
    pushDelivery: (deliveryId) => call('POST', `/v1/deliveries/${code(deliveryId)}/push`),
    recordSeedHit: (input) => call('POST', '/v1/seeds/hits', input),
    retryFileDrop: (fileDropId) => call('POST', `/v1/files/${code(fileDropId)}/retry`),
    listAlerts: (options) => call('GET', options?.open ? '/v1/alerts?open=true' : '/v1/alerts'),
    acknowledgeAlert: (alertId, note) =>
      call('POST', `/v1/alerts/${code(alertId)}/acknowledge`, { note }),
    platformPgpKey: () => call('GET', '/v1/platform/pgp-key?format=json'),
    exportRegister: (format) => call('GET', `/v1/register?format=${format}`),
    platformSshKey: () => call('GET', '/v1/platform/ssh-key?format=json'),
    close: async () => {},
  };
}
