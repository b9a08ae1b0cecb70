import { randomBytes } from 'node:crypto';
import {
  addOrganisationKey,
  addRepoussoirEntry,
  createApiToken,
  createAuditCheckpoint,
  createPrincipal,
  raiseAlert,
  registerFileDrop,
  SYSTEM_ACTOR,
  setPullSource,
  setPushTarget,
} from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { generatePgpKeyPair } from '@alliage/crypto';
import { isStaffRole, type TRole } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listApiRoutes, type TApiRoute } from '../src/index.ts';
import {
  SAMPLE_INSTRUCTION,
  startTestApi,
  type TestApi,
  type TSeededCaller,
} from './api-test-env.ts';
import { expectObservedAnswersDeclared } from './declared-statuses.ts';
import { abandonedFileDrop, removeSampleDropStores } from './file-samples.ts';
import { removeSampleSftpRoots, sampleRightsRequest } from './rights-samples.ts';
import { clientDelivery, clientSelection, SAMPLE_SELECTION } from './selection-samples.ts';

/** A request that succeeds for an allowed caller, aimed at organisation `code`. */
interface TSampleRequest {
  path: string;
  body?: unknown;
}
type TSample = (api: TestApi, code: string) => Promise<TSampleRequest>;

let sequence = 0;
function nextCode(prefix: string): string {
  sequence += 1;
  return `${prefix}${String(sequence).padStart(4, '0')}`;
}

async function freshPgpKey(): Promise<string> {
  const pair = await generatePgpKeyPair({ name: 'Test Only', email: 'key@alliage.invalid' });
  return pair.armoredPublicKey;
}

const SAMPLE_PULL_SOURCE = {
  host: 'mft.example.invalid',
  username: 'alliage',
  remoteDir: '/out',
  hostKeySha256: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
  intervalMinutes: 60,
};

const SAMPLE_PUSH_TARGET = {
  host: 'sftp.client.example.invalid',
  username: 'alliage',
  remoteDir: '/inbound',
  hostKeySha256: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
};

/** One valid request per route of the registry; a new route without one fails the suite. */
const SAMPLES: Record<string, TSample> = {
  getHealth: async () => ({ path: '/healthz' }),
  getMe: async () => ({ path: '/v1/me' }),
  listOrganisations: async () => ({ path: '/v1/organisations?kind=member' }),
  createOrganisation: async () => ({
    path: '/v1/organisations',
    body: { code: nextCode('T'), name: 'Test Org', kind: 'client', sector: 'energie' },
  }),
  getOrganisation: async (_api, code) => ({ path: `/v1/organisations/${code}` }),
  updateOrganisation: async (_api, code) => ({
    path: `/v1/organisations/${code}`,
    body: { name: `Renamed ${code}` },
  }),
  listOrganisationPrincipals: async (_api, code) => ({
    path: `/v1/organisations/${code}/principals`,
  }),
  createPrincipal: async () => ({
    path: '/v1/principals',
    body: { name: 'new user', role: 'member_user', organisationCode: 'M01' },
  }),
  createPrincipalWithToken: async () => ({
    path: '/v1/tokens',
    body: { organisationCode: 'M01', role: 'member_user', expiresInDays: 30 },
  }),
  createToken: async (api) => {
    const principal = await createPrincipal(api.ctx, SYSTEM_ACTOR, {
      name: 'token holder',
      role: 'member_user',
      organisationCode: 'M01',
    });
    return { path: `/v1/principals/${principal.id}/tokens`, body: { name: 'second' } };
  },
  listTokens: async () => ({ path: '/v1/tokens?organisationCode=M01' }),
  revokeToken: async (api) => {
    const { apiToken } = await createApiToken(api.ctx, SYSTEM_ACTOR, {
      principalId: api.principals.m01User.id,
    });
    return { path: `/v1/tokens/${apiToken.id}/revoke` };
  },
  listOrganisationKeys: async (_api, code) => ({ path: `/v1/organisations/${code}/keys` }),
  addOrganisationKey: async (_api, code) => ({
    path: `/v1/organisations/${code}/keys`,
    body: { type: 'pgp', publicKey: await freshPgpKey() },
  }),
  revokeOrganisationKey: async (api, code) => {
    const key = await addOrganisationKey(api.ctx, SYSTEM_ACTOR, {
      organisationCode: code,
      keyType: 'pgp',
      publicKey: await freshPgpKey(),
    });
    return { path: `/v1/organisations/${code}/keys/${key.id}/revoke` };
  },
  getMemberInstructions: async (_api, code) => ({
    path: `/v1/members/${code}/instructions?history=1`,
  }),
  setMemberInstruction: async (_api, code) => ({
    path: `/v1/members/${code}/instructions`,
    body: SAMPLE_INSTRUCTION,
  }),
  listAuditEvents: async () => ({ path: '/v1/audit?limit=5&action=organisation.created' }),
  tailAuditEvents: async () => ({ path: '/v1/audit/tail?n=5' }),
  verifyAuditChain: async () => ({ path: '/v1/audit/verify' }),
  verifyAuditChainWithCheckpoint: async (api) => {
    const { signedText } = await createAuditCheckpoint(api.ctx, SYSTEM_ACTOR, api.platformKey);
    return { path: '/v1/audit/verify', body: { checkpoint: signedText } };
  },
  createAuditCheckpoint: async () => ({ path: '/v1/audit/checkpoints' }),
  exportAuditEvents: async () => ({
    path: '/v1/audit/export?format=jsonl&action=organisation.created',
  }),
  listMemberAuditEvents: async (_api, code) => ({ path: `/v1/members/${code}/audit?limit=5` }),
  getPlatformPgpKey: async () => ({ path: '/v1/platform/pgp-key' }),
  listFiles: async () => ({ path: '/v1/files?limit=5' }),
  retryFile: async (api, code) => {
    const drop = await abandonedFileDrop(api, code.startsWith('M') ? code : 'M01');
    return { path: `/v1/files/${drop.id}/retry` };
  },
  getFile: async (api, code) => {
    const drop = await registerFileDrop(
      api.ctx,
      SYSTEM_ACTOR,
      {
        organisationCode: code.startsWith('M') ? code : 'M01',
        fileName: `customers-${nextCode('F')}.csv.pgp`,
        source: 'sftp',
        sizeBytes: 1,
        sha256: 'f'.repeat(64),
        storagePath: '/nonexistent/test-only',
      },
      async () => {},
    );
    return { path: `/v1/files/${drop.id}` };
  },
  getMemberDialect: async (_api, code) => ({ path: `/v1/members/${code}/dialect` }),
  setMemberDialect: async (_api, code) => ({
    path: `/v1/members/${code}/dialect`,
    body: { delimiter: ';', decimalSeparator: ',' },
  }),
  getPullSource: async (api, code) => {
    await setPullSource(api.ctx, SYSTEM_ACTOR, code, SAMPLE_PULL_SOURCE);
    return { path: `/v1/members/${code}/pull-source` };
  },
  setPullSource: async (_api, code) => ({
    path: `/v1/members/${code}/pull-source`,
    body: SAMPLE_PULL_SOURCE,
  }),
  pullMemberFiles: async (_api, code) => ({ path: `/v1/members/${code}/pull` }),
  addRepoussoirEntry: async () => ({
    path: '/v1/repoussoir',
    body: { kind: 'email', value: `${nextCode('r').toLowerCase()}@example.invalid` },
  }),
  importRepoussoir: async () => ({
    path: '/v1/repoussoir/import',
    body: { entries: [{ kind: 'phone', value: '06 12 34 56 78' }], scope: 'sms' },
  }),
  createRightsRequest: async () => ({
    path: '/v1/rights-requests',
    body: {
      type: 'rectification',
      identity: { email: `${nextCode('s').toLowerCase()}@example.invalid` },
      verification: 'test only',
    },
  }),
  listRightsRequests: async () => ({ path: '/v1/rights-requests?overdue=1' }),
  getRightsRequest: async (api) => ({
    path: `/v1/rights-requests/${await sampleRightsRequest(api)}`,
  }),
  extendRightsRequest: async (api) => ({
    path: `/v1/rights-requests/${await sampleRightsRequest(api)}/extend`,
    body: { months: 1, reason: 'test only' },
  }),
  closeRightsRequest: async (api) => ({
    path: `/v1/rights-requests/${await sampleRightsRequest(api)}/close`,
    body: { reason: 'test only' },
  }),
  retryRightsRequest: async (api) => ({
    path: `/v1/rights-requests/${await sampleRightsRequest(api)}/retry`,
  }),
  listMemberRightsRequests: async (_api, code) => ({ path: `/v1/members/${code}/rights-requests` }),
  confirmRightsErasure: async (api, code) => ({
    path: `/v1/members/${code}/rights-requests/${await sampleRightsRequest(api, code)}/confirm-erasure`,
  }),
  answerRightsRequest: async (api, code) => ({
    path: `/v1/members/${code}/rights-requests/${await sampleRightsRequest(api, code, 'rectification')}/answer`,
    body: { note: 'ticket 42' },
  }),
  listRepoussoirEntries: async () => ({ path: '/v1/repoussoir/entries?limit=5' }),
  withdrawRepoussoirEntry: async (api) => {
    const entry = await addRepoussoirEntry(api.ctx, SYSTEM_ACTOR, {
      kind: 'email',
      hmac: randomBytes(32).toString('hex'),
      scope: 'all',
      source: 'operator',
    });
    return {
      path: `/v1/repoussoir/entries/${entry.id}/withdraw`,
      body: { reason: 'decision recorded in the test' },
    };
  },
  withdrawRepoussoirProvenance: async (api) => {
    const sourceReference = `list ${nextCode('v')}`;
    await addRepoussoirEntry(api.ctx, SYSTEM_ACTOR, {
      kind: 'phone',
      hmac: randomBytes(32).toString('hex'),
      scope: 'all',
      source: 'national_list',
      sourceReference,
    });
    return {
      path: '/v1/repoussoir/withdrawals',
      body: { source: 'national_list', sourceReference, reason: 'version superseded' },
    };
  },
  getRepoussoirStats: async () => ({ path: '/v1/repoussoir/stats' }),
  importMemberOptouts: async (_api, code) => ({
    path: `/v1/members/${code}/optouts`,
    body: { entries: [{ kind: 'email', value: `${nextCode('o').toLowerCase()}@example.invalid` }] },
  }),
  buildPool: async () => ({ path: '/v1/pool/build', body: {} }),
  getPoolStats: async () => ({ path: '/v1/pool/stats' }),
  listPoolSegments: async () => ({ path: '/v1/pool/segments' }),
  exportPoolIdentities: async () => ({ path: '/v1/pool/identities' }),
  importReferenceTable: async () => ({
    path: `/v1/reference-tables/${nextCode('ref').toLowerCase()}`,
    body: { fileName: 'revenus.csv', csv: 'insee_code,median_income\n75056,28000\n69123,24000\n' },
  }),
  createSelection: async () => ({ path: '/v1/selections', body: SAMPLE_SELECTION }),
  listSelections: async () => ({ path: '/v1/selections' }),
  getSelection: async (api) => ({
    path: `/v1/selections/${(await clientSelection(api, 'draft')).id}`,
  }),
  countSelection: async (api) => ({
    path: `/v1/selections/${(await clientSelection(api, 'draft')).id}/count`,
  }),
  orderSelection: async (api) => ({
    path: `/v1/selections/${(await clientSelection(api, 'counted')).id}/order`,
    body: { quantity: 20 },
  }),
  approveSelection: async (api) => ({
    path: `/v1/selections/${(await clientSelection(api, 'ordered')).id}/approve`,
    body: { reason: 'checked against the brief' },
  }),
  rejectSelection: async (api) => ({
    path: `/v1/selections/${(await clientSelection(api, 'ordered')).id}/reject`,
    body: { reason: 'purpose unclear' },
  }),
  listDeliveries: async () => ({ path: '/v1/deliveries' }),
  getDelivery: async (api) => ({ path: `/v1/deliveries/${(await clientDelivery(api)).id}` }),
  getMemberUsage: async (_api, code) => ({ path: `/v1/members/${code}/usage` }),
  recordSeedHit: async (api) => {
    const { seedEmail } = await clientDelivery(api);
    return {
      path: '/v1/seeds/hits',
      body: {
        contact: { kind: 'email', value: seedEmail },
        channel: 'email',
        contactedAt: new Date().toISOString(),
      },
    };
  },
  // Aimed at a member only when the caller is refused on its role (see buildCases).
  getPushTarget: async (api, code) => {
    if (code.startsWith('C')) await setPushTarget(api.ctx, SYSTEM_ACTOR, code, SAMPLE_PUSH_TARGET);
    return { path: `/v1/clients/${code}/push-target` };
  },
  setPushTarget: async (_api, code) => ({
    path: `/v1/clients/${code}/push-target`,
    body: SAMPLE_PUSH_TARGET,
  }),
  removePushTarget: async (api, code) => {
    if (code.startsWith('C')) await setPushTarget(api.ctx, SYSTEM_ACTOR, code, SAMPLE_PUSH_TARGET);
    return { path: `/v1/clients/${code}/push-target` };
  },
  pushDelivery: async (api) => {
    await setPushTarget(api.ctx, SYSTEM_ACTOR, 'C01', SAMPLE_PUSH_TARGET);
    return { path: `/v1/deliveries/${(await clientDelivery(api)).id}/push` };
  },
  listAlerts: async () => ({ path: '/v1/alerts?open=true' }),
  acknowledgeAlert: async (api) => {
    // A new alert per case: one acknowledged is acknowledged once.
    const { alert } = await raiseAlert(api.ctx, SYSTEM_ACTOR, {
      kind: 'pull_failed',
      severity: 'warning',
      details: { organisationCode: nextCode('M') },
    });
    return { path: `/v1/alerts/${alert.id}/acknowledge`, body: { note: 'looked at' } };
  },
  getProcessorRegister: async () => ({ path: '/v1/register?format=csv' }),
  getPlatformSshKey: async () => ({ path: '/v1/platform/ssh-key' }),
  getOpenApiDocument: async () => ({ path: '/v1/openapi.json' }),
};

type TCaller = TSeededCaller | 'anonymous';
const CALLERS: TCaller[] = [
  'anonymous',
  'operator',
  'compliance',
  'm01Admin',
  'm01User',
  'c01Marketer',
];
const OWN_CODE: Record<TCaller, string | null> = {
  anonymous: null,
  operator: null,
  compliance: null,
  m01Admin: 'M01',
  m01User: 'M01',
  m02Admin: 'M02',
  m02User: 'M02',
  c01Marketer: 'C01',
};
const ROLE: Record<TCaller, TRole | null> = {
  anonymous: null,
  operator: 'operator',
  compliance: 'compliance',
  m01Admin: 'member_admin',
  m01User: 'member_user',
  m02Admin: 'member_admin',
  m02User: 'member_user',
  c01Marketer: 'client_marketer',
};

interface TCase {
  route: TApiRoute;
  caller: TCaller;
  /** Organisation named in the path. */
  code: string;
  expected: number;
  /** `role` (403) or `organisation` (404) when an access.denied event is expected. */
  denial: 'role' | 'organisation' | null;
}

/** The expected answer of every caller on every route, derived from the registry. */
function buildCases(): TCase[] {
  const cases: TCase[] = [];
  for (const route of listApiRoutes()) {
    for (const caller of CALLERS) {
      const role = ROLE[caller];
      const own = OWN_CODE[caller];
      const access = route.access;
      if (access.kind === 'public') {
        cases.push({ route, caller, code: 'M01', expected: route.status, denial: null });
        continue;
      }
      if (role === null) {
        cases.push({ route, caller, code: 'M01', expected: 401, denial: null });
        continue;
      }
      const allowed = access.roles.includes(role);
      const memberRoute = access.scope?.label === 'member';
      // Aim at the caller's own organisation when it fits the route, else at a member
      // (at a client for the client routes).
      const fallback = route.path.startsWith('/v1/clients/') ? 'C01' : 'M01';
      const ownTarget = own !== null && !(memberRoute && own.startsWith('C')) ? own : fallback;
      if (!allowed) {
        cases.push({ route, caller, code: ownTarget, expected: 403, denial: 'role' });
        continue;
      }
      cases.push({ route, caller, code: ownTarget, expected: route.status, denial: null });
      if (access.scope !== null && own !== null && !isStaffRole(role)) {
        const other = own === 'M01' ? 'M02' : 'M01';
        cases.push({ route, caller, code: other, expected: 404, denial: 'organisation' });
      }
    }
  }
  return cases;
}

const CASES = buildCases();

describe.each(testControlDbKinds())('authorisation matrix (%s)', (kind) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(kind);
  });
  afterAll(async () => {
    await api?.close();
    removeSampleSftpRoots();
    removeSampleDropStores();
  });

  it('has a sample request for every registered route', () => {
    const missing = listApiRoutes()
      .map((route) => route.operationId)
      .filter((operationId) => !(operationId in SAMPLES));
    expect(missing).toEqual([]);
  });

  it.each(
    CASES.map(
      (entry) =>
        [
          `${entry.caller} ${entry.route.method.toUpperCase()} ${entry.route.path} [${entry.code}] → ${entry.expected}`,
          entry,
        ] as const,
    ),
  )('%s', async (_name, entry) => {
    const sample = SAMPLES[entry.route.operationId];
    if (!sample) throw new Error(`no sample for ${entry.route.operationId}`);
    const request = await sample(api, entry.code);
    const token = entry.caller === 'anonymous' ? null : api.tokens[entry.caller];
    const response = await api.call(entry.route.method.toUpperCase(), request.path, {
      token,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    expect(response.status, response.text).toBe(entry.expected);
    if (entry.expected >= 400) {
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    if (entry.denial !== null && entry.caller !== 'anonymous') {
      // The denial that reaches the threshold is followed by its `alert.raised`.
      const latest = (await api.latestEvents(2)).findLast(
        (event) => event.action !== 'alert.raised',
      );
      expect(latest).toMatchObject({
        action: 'access.denied',
        actor: `principal:${api.principals[entry.caller].id}`,
        details: {
          reason: entry.denial,
          method: entry.route.method.toUpperCase(),
          route: entry.route.path,
          principalId: api.principals[entry.caller].id,
        },
      });
      if (entry.route.path.includes(':code')) {
        expect(latest?.details.targetCode).toBe(entry.code);
      }
    }
    if (entry.expected === 401) {
      const [latest] = await api.latestEvents(1);
      expect(latest).toMatchObject({ action: 'auth.failed', details: { reason: 'missing' } });
    }
  });

  it('answers another organisation exactly as a missing one (no existence oracle)', async () => {
    const token = api.tokens.m01Admin;
    const existing = await api.call('GET', '/v1/organisations/M02', { token });
    const missing = await api.call('GET', '/v1/organisations/M99', { token });
    expect(existing.status).toBe(404);
    expect(missing.status).toBe(404);
    const strip = (json: unknown) => {
      const { requestId: _id, detail, ...rest } = json as Record<string, unknown>;
      return { ...rest, detail: String(detail).replace(/M0\d|M99/, 'X') };
    };
    expect(strip(existing.json)).toEqual(strip(missing.json));
    // What an operator sees for a code that does not exist reads the same.
    const operatorMissing = await api.call('GET', '/v1/organisations/M99', {
      token: api.tokens.operator,
    });
    expect((operatorMissing.json as { detail: string }).detail).toBe(
      (missing.json as { detail: string }).detail,
    );
  });

  it('keeps a member out of another member’s instructions, even with a valid body', async () => {
    const historyOf = async () =>
      (
        await api.call('GET', '/v1/members/M01/instructions?history=1', {
          token: api.tokens.operator,
        })
      ).json as unknown[];
    const before = (await historyOf()).length;
    const response = await api.call('PUT', '/v1/members/M01/instructions', {
      token: api.tokens.m02Admin,
      body: SAMPLE_INSTRUCTION,
    });
    expect(response.status).toBe(404);
    const [latest] = await api.latestEvents(1);
    expect(latest).toMatchObject({
      action: 'access.denied',
      organisationCode: 'M01',
      details: { reason: 'organisation', targetCode: 'M01' },
    });
    expect((await historyOf()).length).toBe(before);
  });

  it('refuses a key of another organisation on the revoke route of this one', async () => {
    const key = await addOrganisationKey(api.ctx, SYSTEM_ACTOR, {
      organisationCode: 'M02',
      keyType: 'pgp',
      publicKey: await freshPgpKey(),
    });
    const response = await api.call('POST', `/v1/organisations/M01/keys/${key.id}/revoke`, {
      token: api.tokens.operator,
    });
    expect(response.status).toBe(404);
    const keys = await api.call('GET', '/v1/organisations/M02/keys', {
      token: api.tokens.operator,
    });
    expect(
      (keys.json as { id: string; revokedAt: string | null }[]).find((k) => k.id === key.id),
    ).toMatchObject({ revokedAt: null });
  });

  it('declares in the OpenAPI document every status it answered', async () => {
    await expectObservedAnswersDeclared(api);
  });
});

describe.each(testControlDbKinds())('an API process without the pool (%s)', (kind) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(kind, { bare: true });
  });
  afterAll(async () => {
    await api?.close();
    removeSampleSftpRoots();
    removeSampleDropStores();
  });

  it('answers every route as its OpenAPI operation declares', async () => {
    const unavailable: string[] = [];
    const failed: string[] = [];
    for (const route of listApiRoutes()) {
      const access = route.access;
      const caller =
        access.kind === 'public'
          ? null
          : CALLERS.find((candidate) => {
              const role = ROLE[candidate];
              return role !== null && access.roles.includes(role);
            });
      if (caller === undefined) throw new Error(`no seeded caller may call ${route.operationId}`);
      const sample = SAMPLES[route.operationId];
      if (!sample) throw new Error(`no sample for ${route.operationId}`);
      const code = route.path.startsWith('/v1/clients/') ? 'C01' : 'M01';
      const request = await sample(api, code);
      const response = await api.call(route.method.toUpperCase(), request.path, {
        token: caller === null || caller === 'anonymous' ? null : api.tokens[caller],
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      if (response.status === 503) unavailable.push(route.operationId);
      if (response.status >= 500 && response.status !== 503) failed.push(route.operationId);
    }
    expect(failed).toEqual([]);
    // What this process lacks is refused as unavailable, never as a 500.
    expect(unavailable.sort()).toEqual(
      listApiRoutes()
        .filter((route) =>
          route.failures.some((failure) => failure === 'pool' || failure === 'not_configured'),
        )
        .map((route) => route.operationId)
        .sort(),
    );
    await expectObservedAnswersDeclared(api);
  });
});
