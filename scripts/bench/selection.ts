// Benchmark of selections on a built pool: `npx node scripts/bench/selection.ts --pool FILE [--counts 40] [--delivery 100000]`.
// The pool comes from `scripts/bench/pool.ts --keep-pool FILE` (1,000,000 member records).
// Measures in one process, on an in-memory control plane (PGlite) and the real HTTP API:
//   - count latency through POST /v1/selections/{id}/count (p50, p95), and the raw DuckDB
//     time of the same compiled SQL (the floor), measured in the same run;
//   - extraction + CSV + encryption + signing + outbox write of a 100,000-row delivery.
// Figures are printed, never asserted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApiApp, startApiServer } from '@alliage/api';
import { POOL_DEFAULTS } from '@alliage/config';
import {
  addOrganisationKey,
  createApiToken,
  createOrganisation,
  createPrincipal,
  decideSelection,
  getSelection,
  orderSelection,
  SYSTEM_ACTOR,
  setInstruction,
} from '@alliage/control';
import { createTestControlDb } from '@alliage/control/testing';
import { generatePgpKeyPair } from '@alliage/crypto';
import type { TSector } from '@alliage/domain';
import {
  buildSelectionScope,
  deriveCellKeySeed,
  runDelivery,
  syncPoolRepoussoir,
  type TSelectionSettings,
} from '@alliage/selection';
import { compileSelectionCount, openWarehouse } from '@alliage/warehouse';
import { pino } from 'pino';

const { values } = parseArgs({
  options: {
    pool: { type: 'string' },
    counts: { type: 'string', default: '40' },
    delivery: { type: 'string', default: '100000' },
  },
});
if (!values.pool) {
  console.error(
    'usage: selection.ts --pool FILE (a pool kept by scripts/bench/pool.ts --keep-pool FILE)',
  );
  process.exit(2);
}
const countRuns = Number(values.counts);
const deliveryRows = Number(values.delivery);
// The control plane runs on the real clock (keys made now are not valid at an earlier date).

const MEMBERS: [string, TSector][] = [
  ['M01', 'equipement_personne'],
  ['M02', 'equipement_maison'],
  ['M03', 'loisirs_voyages'],
  ['M04', 'presse_edition'],
  ['M99', 'automobile'],
];
const BENCH_HMAC_SECRET = 'bench-only-hmac-secret-0123456789abcdef';
const SETTINGS: TSelectionSettings = {
  countThreshold: 20,
  countRounding: 10,
  countDifferencingHours: 720,
  deliveryExpiryDays: 30,
  seedCount: 3,
  seedEmailDomain: 'alliage-temoins.fr',
};

const work = await mkdtemp(path.join(tmpdir(), 'alliage-selection-bench-'));
const control = await createTestControlDb('pglite');
const ctx = { db: control.db, clock: () => new Date() };
const warehouse = await openWarehouse({
  databasePath: values.pool,
  encryptionKey: 'bench-only-pool-key-0123456789abcdef',
  memoryLimit: POOL_DEFAULTS.memoryLimit,
});
let server: Awaited<ReturnType<typeof startApiServer>> | null = null;
try {
  for (const [code, sector] of MEMBERS) {
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code,
      name: `Member ${code}`,
      kind: 'member',
      sector,
    });
    await setInstruction(ctx, SYSTEM_ACTOR, code, {
      purposes: ['targeting'],
      channels: ['postal', 'email', 'sms', 'phone'],
      thirdPartyAllowed: true,
      clientSectorsAllow: null,
      clientSectorsDeny: code === 'M04' ? ['energie'] : [],
      signedBy: 'Bench DPO (test only)',
      effectiveFrom: '2020-01-01',
    });
  }
  await createOrganisation(ctx, SYSTEM_ACTOR, {
    code: 'C01',
    name: 'Client',
    kind: 'client',
    sector: 'energie',
  });
  const clientKey = await generatePgpKeyPair({
    name: 'Bench Client (test only)',
    email: 'c01@alliage.invalid',
  });
  await addOrganisationKey(ctx, SYSTEM_ACTOR, {
    organisationCode: 'C01',
    keyType: 'pgp',
    publicKey: clientKey.armoredPublicKey,
  });
  const platformKey = await generatePgpKeyPair({
    name: 'Bench Platform (test only)',
    email: 'platform@alliage.invalid',
  });
  const marketer = await createPrincipal(ctx, SYSTEM_ACTOR, {
    name: 'marketer',
    role: 'client_marketer',
    organisationCode: 'C01',
  });
  const { token } = await createApiToken(ctx, SYSTEM_ACTOR, { principalId: marketer.id });
  const operator = await createPrincipal(ctx, SYSTEM_ACTOR, {
    name: 'operator',
    role: 'operator',
    organisationCode: null,
  });

  const app = createApiApp({
    control: ctx,
    platformKey,
    hmacSecret: BENCH_HMAC_SECRET,
    pool: { warehouse, countThreshold: SETTINGS.countThreshold },
    selections: { settings: SETTINGS, enqueueDelivery: async () => {} },
    http: { bodyLimit: '100kb', rateLimitPerMinute: 1_000_000, trustProxy: false },
    logger: pino({ level: 'silent' }),
  });
  server = await startApiServer(app, { host: '127.0.0.1', port: 0 });
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${server?.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };

  const audiences = {
    'postal, four départements': {
      channel: 'postal',
      criteria: { geography: { departements: ['69', '75', '13', '33'] } },
    },
    'email, RFM active in a sector, one per household': {
      channel: 'email',
      criteria: {
        segments: [
          {
            name: 'rfm_segment',
            sector: 'equipement_maison',
            values: ['active', 'active_high_value'],
          },
        ],
        onePerHousehold: true,
      },
    },
    'postal, 35–64, four départements': {
      channel: 'postal',
      criteria: {
        age: { min: 35, max: 64 },
        geography: { departements: ['69', '75', '13', '33'] },
      },
    },
    'email, bought in a sector in 12 months': {
      channel: 'email',
      criteria: { purchases: [{ sector: 'equipement_maison', withinMonths: 12 }] },
    },
    'postal, bought from 2 members': {
      channel: 'postal',
      criteria: { minDistinctMembers: 2 },
    },
    'postal, postcode prefixes': {
      channel: 'postal',
      criteria: { geography: { postcodePrefixes: ['69', '750', '13'] } },
    },
  } as const;
  const rows: [string, string, string][] = [];
  await syncPoolRepoussoir(ctx, warehouse);
  for (const [label, audience] of Object.entries(audiences)) {
    const selection = await call('POST', '/v1/selections', {
      name: label,
      purpose: 'targeting',
      campaignStart: '2026-12-01',
      campaignEnd: '2026-12-31',
      ...audience,
    });
    const id = String(selection.id);
    let shown: unknown = null;
    const httpMs: number[] = [];
    await call('POST', `/v1/selections/${id}/count`); // warm-up
    for (let run = 0; run < countRuns; run += 1) {
      const started = performance.now();
      shown = (await call('POST', `/v1/selections/${id}/count`)).total;
      httpMs.push(performance.now() - started);
    }
    const stored = await getSelection(ctx, id);
    const { scope } = await buildSelectionScope(ctx, stored, ctx.clock());
    // The query the API runs: with the cell keys, summed in the same aggregation.
    const compiled = compileSelectionCount(stored.criteria, scope, {
      cellKeySeed: deriveCellKeySeed(BENCH_HMAC_SECRET),
    });
    const connection = await warehouse.connect();
    const rawMs: number[] = [];
    for (let run = 0; run < countRuns; run += 1) {
      const started = performance.now();
      await connection.runAndReadAll(compiled.sql, compiled.params as never);
      rawMs.push(performance.now() - started);
    }
    connection.closeSync();
    const p50 = percentile(httpMs, 0.5);
    const raw50 = percentile(rawMs, 0.5);
    rows.push([
      `count: ${label}`,
      `${p50.toFixed(0)} ms`,
      `p50 ${p50.toFixed(0)} ms, p95 ${percentile(httpMs, 0.95).toFixed(0)} ms through HTTP; raw DuckDB p50 ${raw50.toFixed(0)} ms; ${(p50 / raw50).toFixed(2)}× raw (targets ≤ 150 ms, ≤ 2×); shown ${String(shown)}`,
    ]);
  }

  // A 100,000-row delivery: order, approve (another principal), then the delivery job itself.
  const big = await call('POST', '/v1/selections', {
    name: 'bench delivery',
    channel: 'postal',
    purpose: 'targeting',
    campaignStart: '2026-12-01',
    campaignEnd: '2026-12-31',
  });
  const bigId = String(big.id);
  const bigCount = await call('POST', `/v1/selections/${bigId}/count`);
  await orderSelection(
    ctx,
    { ...SYSTEM_ACTOR, ref: `principal:${marketer.id}` },
    {
      selectionId: bigId,
      quantity: deliveryRows,
      minimum: SETTINGS.countThreshold,
    },
  );
  await decideSelection(
    ctx,
    {
      ...SYSTEM_ACTOR,
      ref: `principal:${operator.id}`,
      role: 'operator',
      principalId: operator.id,
    },
    {
      selectionId: bigId,
      decision: 'approve',
      reason: 'benchmark',
    },
  );
  const started = performance.now();
  const delivery = await runDelivery({
    ctx,
    warehouse,
    settings: SETTINGS,
    sftpRoot: path.join(work, 'sftp'),
    signingKey: { armoredPrivateKey: platformKey.armoredPrivateKey },
    selectionId: bigId,
    hmacSecret: BENCH_HMAC_SECRET,
  });
  const deliveryMs = performance.now() - started;
  rows.push([
    `delivery of ${deliveryRows} rows`,
    `${(deliveryMs / 1000).toFixed(2)} s`,
    `extract + CSV + encrypt + sign + write: ${delivery.rowCount} rows (count shown ${String(bigCount.total)}), ${((delivery.sizeBytes ?? 0) / 2 ** 20).toFixed(1)} MiB (target ≤ 10 s)`,
  ]);

  console.log(`\nselection benchmark on ${values.pool}\n`);
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value, note] of rows)
    console.log(`${label.padEnd(width)}  ${value.padStart(9)}  ${note}`);
} finally {
  await server?.close();
  await warehouse.close();
  await control.close();
  await rm(work, { recursive: true, force: true });
}

function percentile(samples: number[], quantile: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? 0;
}
