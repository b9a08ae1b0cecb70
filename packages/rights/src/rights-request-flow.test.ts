// Rights requests end to end on a real control plane (PGlite, and PostgreSQL when
// DATABASE_URL is set), a real pool (DuckDB file, loaded through loadMemberDrop so the
// contact points are normalised and hashed as in production) and real GnuPG: a canary
// person submitted by M01 only is found, forwarded to M01 only, opposed, erased, and a
// re-sent file does not bring it back; deadlines and duplicates on an injected clock.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addOrganisationKey,
  type ControlContext,
  listAuditEvents,
  listCustomerSuppressionHashes,
  listLatestAuditEvents,
  repoussoirFeed,
  SYSTEM_ACTOR,
  type TActor,
  verifyAuditChain,
} from '@alliage/control';
import {
  createTestControlDb,
  failAuditAppends,
  storeTestDrop,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import { createGpgHome, type GpgHome, hasGpg } from '@alliage/crypto/testing';
import { ZSelectionCriteria } from '@alliage/domain';
import { runPoolBuild } from '@alliage/pool';
import {
  countSelection,
  findValuesInPoolFiles,
  syncRepoussoirHashes,
  type TWarehouse,
} from '@alliage/warehouse';
import { createTestWarehouse, scopeFor } from '@alliage/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRightsRequest } from './close-rights-request.ts';
import { confirmRightsErasure } from './confirm-rights-erasure.ts';
import { createRightsRequest } from './create-rights-request.ts';
import { extendRightsRequest } from './extend-rights-request.ts';
import { listMemberRightsRequests } from './list-member-rights-requests.ts';
import { listRightsRequests } from './list-rights-requests.ts';
import { retryRightsRequest } from './retry-rights-request.ts';
import type { TRightsDeps } from './rights-deps.ts';
import {
  createRightsTestParties,
  decryptMemberExport,
  loadTestCustomers,
  RIGHTS_TEST_HMAC_SECRET,
} from './rights-test-fixtures.ts';

const HMAC_SECRET = RIGHTS_TEST_HMAC_SECRET;
// The canary: only M01 holds it. M02 holds other persons (and one shared with nobody).
const CANARY =
  'C1,M,Jean,CANARI,,,12 avenue Victor Hugo,,75016,PARIS,FR,jean.canari@exemple.test,06 12 34 56 78,,1970-03-12,1,1,1,2026-01-10';
const M01_OTHERS = [
  'C2,MME,Marie,DURAND,,,3 rue de la Paix,,69002,LYON,FR,marie.durand@exemple.test,06 98 76 54 32,,1980-01-01,1,1,1,2026-01-10',
];
const M02_LINES = [
  'X1,M,Paul,MARTIN,,,8 rue Nationale,,59000,LILLE,FR,paul.martin@exemple.test,07 11 22 33 44,,1975-05-05,1,1,1,2026-01-10',
  // At a lieu-dit: no street line, the locality only; reachable by post alone.
  'X2,MME,Lucie,LIEUDIT,,,,Lieu-dit Le Bourg,24200,SARLAT LA CANEDA,FR,,,,1985-02-02,1,1,1,2026-01-10',
];
const OPERATOR: TActor = {
  ref: 'principal:operator-test',
  principalId: null,
  role: 'operator',
  organisationId: null,
  organisationCode: null,
};
const M01_ADMIN: TActor = {
  ...OPERATOR,
  ref: 'principal:m01-admin',
  role: 'member_admin',
  organisationCode: 'M01',
};

describe.skipIf(!hasGpg).each(testControlDbKinds())('rights requests (%s)', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let warehouse: TWarehouse;
  let gpg: GpgHome;
  let platformKey: TPgpKeyPair;
  let sftpRoot: string;
  let dropStore: string;
  let deps: TRightsDeps;
  let now = new Date('2026-12-10T10:00:00Z');
  let drops = 0;

  const load = async (memberCode: string, lines: string[], suppressed: string[] = []) => {
    drops += 1;
    return loadTestCustomers({
      warehouse,
      ctx,
      dropNumber: drops,
      memberCode,
      lines,
      now,
      suppressed,
    });
  };
  const query = async (sql: string) => {
    const connection = await warehouse.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowObjectsJS();
    } finally {
      connection.closeSync();
    }
  };
  /** Persons reachable on a channel at any member, after mirroring the repoussoir as a count does. */
  const audience = async (channel: 'email' | 'postal') => {
    await syncRepoussoirHashes(warehouse, repoussoirFeed(ctx));
    const counts = await countSelection(
      warehouse,
      ZSelectionCriteria.parse({}),
      scopeFor({
        today: now.toISOString().slice(0, 10),
        clientCode: 'C01',
        channel,
        retentionByMember: { M01: 36, M02: 36 },
      }),
    );
    return counts.total;
  };

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    pool = await createTestWarehouse();
    warehouse = pool.warehouse;
    gpg = createGpgHome();
    sftpRoot = mkdtempSync(path.join(os.tmpdir(), 'alliage-rights-test-'));
    dropStore = mkdtempSync(path.join(os.tmpdir(), 'alliage-rights-drops-test-'));
    const parties = await createRightsTestParties(ctx, gpg);
    platformKey = parties.platformKey;
    await addOrganisationKey(ctx, SYSTEM_ACTOR, {
      organisationCode: 'M01',
      keyType: 'pgp',
      publicKey: parties.memberPublicKey,
    });
    deps = {
      ctx,
      warehouse,
      hmacSecret: HMAC_SECRET,
      sftpRoot,
      dropStore,
      signingKey: { armoredPrivateKey: platformKey.armoredPrivateKey },
    };
    expect((await load('M01', [CANARY, ...M01_OTHERS])).outcome).toBe('loaded');
    expect((await load('M02', M02_LINES)).outcome).toBe('loaded');
  });

  afterAll(async () => {
    await pool?.cleanup();
    await control?.close();
    gpg?.close();
    if (sftpRoot) rmSync(sftpRoot, { recursive: true, force: true });
    if (dropStore) rmSync(dropStore, { recursive: true, force: true });
  });

  it('finds the canary by email, forwards only to M01 and exports its data encrypted to M01', async () => {
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'access',
      identity: { email: '  Jean.Canari@Exemple.TEST ' },
      verification: 'identity card copy seen, reply to the address on file',
    });
    expect(request.status).toBe('forwarded');
    expect(request.identityKinds).toEqual(['email']);
    expect(request.items.map((item) => [item.memberCode, item.customerIds, item.status])).toEqual([
      ['M01', ['C1'], 'forwarded'],
    ]);
    const reportPath = path.join(sftpRoot, 'M01', 'reports', `rights-request-${request.id}.json`);
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    expect(report).toMatchObject({ requestId: request.id, type: 'access', customerIds: ['C1'] });
    expect(existsSync(path.join(sftpRoot, 'M02', 'reports'))).toBe(false);

    const clear = decryptMemberExport(
      gpg,
      path.join(sftpRoot, 'M01', 'reports', `rights-request-${request.id}-data.json.gpg`),
    );
    const data = JSON.parse(clear);
    expect(data.records.map((record: { customer_id: string }) => record.customer_id)).toEqual([
      'C1',
    ]);
    expect(data.records[0].email).toBe('jean.canari@exemple.test');
    expect(data.records[0]).not.toHaveProperty('email_hmac');
    expect(clear).not.toContain('DURAND');

    // M01's inbox shows it with its customer IDs; M02's is empty.
    const inbox = await listMemberRightsRequests(ctx, 'M01');
    expect(inbox.map((entry) => [entry.requestId, entry.customerIds])).toEqual([
      [request.id, ['C1']],
    ]);
    expect(await listMemberRightsRequests(ctx, 'M02')).toEqual([]);

    // The audit chain says what happened, without the identity.
    const events = await listLatestAuditEvents(ctx, 5);
    const serialised = JSON.stringify(events);
    expect(serialised).not.toContain('canari');
    expect(events.some((event) => event.action === 'rights_request.created')).toBe(true);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it('links a duplicate request for the same identity to the oldest open one', async () => {
    const [first] = await listRightsRequests(ctx);
    const duplicate = await createRightsRequest(deps, OPERATOR, {
      type: 'rectification',
      identity: { phone: '+33 6 12 34 56 78', email: 'JEAN.CANARI@exemple.test' },
      verification: 'same letter, second copy',
    });
    expect(duplicate.duplicateOf).toBe(first?.id);
    const other = await createRightsRequest(deps, OPERATOR, {
      type: 'rectification',
      identity: { email: 'nobody@exemple.test' },
      verification: 'email reply',
    });
    expect(other.duplicateOf).toBeNull();
    expect(other.items).toEqual([]);
    expect(other.status).toBe('open');
  });

  it('fails the access export of a member without a key, and a retry succeeds once it has one', async () => {
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'portability',
      identity: {
        postal: {
          lastName: 'Martin',
          firstName: 'Paul',
          postcode: '59000',
          streetLine: '8 r Nationale',
        },
      },
      verification: 'signed letter',
    });
    expect(request.items.map((item) => [item.memberCode, item.status, item.errorCode])).toEqual([
      ['M02', 'failed', 'validation_failed'],
    ]);
    const memberKey = await generatePgpKeyPair({
      name: 'M02 (test only)',
      email: 'm02@alliage.invalid',
    });
    await addOrganisationKey(ctx, SYSTEM_ACTOR, {
      organisationCode: 'M02',
      keyType: 'pgp',
      publicKey: memberKey.armoredPublicKey,
    });
    const retried = await retryRightsRequest(deps, OPERATOR, request.id);
    expect(retried.items.map((item) => [item.memberCode, item.status])).toEqual([
      ['M02', 'forwarded'],
    ]);
    expect(retried.status).toBe('forwarded');
  });

  it('an opposition stops the canary from the very next count', async () => {
    const before = await audience('email');
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'opposition',
      identity: { email: 'jean.canari@exemple.test' },
      oppositionScope: 'email',
      verification: 'email from the address itself',
    });
    expect(request.oppositionScope).toBe('email');
    expect(await audience('email')).toBe(before - 1);
    const entries = await ctx.db
      .selectFrom('repoussoir_entries')
      .select(['source', 'source_reference', 'scope'])
      .where('source_reference', '=', request.id)
      .execute();
    expect(entries).toEqual([
      { source: 'subject_request', source_reference: request.id, scope: 'email' },
    ]);
  });

  it('a postal opposition at a lieu-dit (locality, no street line) stops the person from the next count', async () => {
    const before = await audience('postal');
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'opposition',
      identity: {
        postal: {
          lastName: 'Lieudit',
          firstName: 'Lucie',
          postcode: '24200',
          streetLine: 'LD le Bourg',
        },
      },
      oppositionScope: 'postal',
      verification: 'signed letter',
    });
    expect(request.items.map((item) => [item.memberCode, item.customerIds])).toEqual([
      ['M02', ['X2']],
    ]);
    expect(await audience('postal')).toBe(before - 1);
  });

  it('an erasure confirmed by M01 removes the canary, and a re-sent file does not bring it back', async () => {
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'erasure',
      identity: {
        postal: {
          lastName: 'CANARI',
          firstName: 'Jean',
          postcode: '75016',
          streetLine: '12 av. Victor-Hugo',
        },
      },
      verification: 'ID card copy',
    });
    expect(request.items.map((item) => [item.memberCode, item.customerIds])).toEqual([
      ['M01', ['C1']],
    ]);
    const personsBefore = Number((await query('SELECT count(*) AS n FROM persons'))[0]?.n);
    // Every person was delivered to a client (as a delivery records it).
    await warehouse.withWriter((connection) =>
      connection.run(
        "INSERT INTO delivered_persons SELECT 'C01', 'dlv-erasure', person_id, DATE '2026-11-01' FROM persons",
      ),
    );
    const canaryPerson = (
      await query(`SELECT person_id FROM member_records WHERE customer_id = 'C1'`)
    )[0]?.person_id;
    // The encrypted files intake kept of the members' drops (placeholders): M01's hold the canary.
    const m01Drop = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore,
      status: 'accepted',
    });
    const m01Pending = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore,
      status: 'received',
    });
    const m02Drop = await storeTestDrop(ctx, {
      organisationCode: 'M02',
      dropStore,
      status: 'accepted',
    });
    // Another member cannot confirm what it was not sent.
    await expect(
      confirmRightsErasure(deps, M01_ADMIN, { memberCode: 'M02', requestId: request.id }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const item = await confirmRightsErasure(deps, M01_ADMIN, {
      memberCode: 'M01',
      requestId: request.id,
    });
    expect(item.status).toBe('erasure_confirmed');
    expect(
      await query(`SELECT customer_id FROM member_records WHERE member_code = 'M01' ORDER BY 1`),
    ).toEqual([{ customer_id: 'C2' }]);
    // M01's processed file is deleted; one still to load stays (its canary row will be
    // dropped as suppressed), and M02's files are not M01's to erase.
    expect(existsSync(path.join(dropStore, 'M01', m01Drop.id))).toBe(false);
    expect(existsSync(path.join(dropStore, 'M01', m01Pending.id))).toBe(true);
    expect(existsSync(path.join(dropStore, 'M02', m02Drop.id))).toBe(true);
    const erased = (await listLatestAuditEvents(ctx, 5)).find(
      (event) => event.details.step === 'erased',
    );
    expect(erased?.details).toMatchObject({ dropFiles: 1 });
    expect(Number((await query('SELECT count(*) AS n FROM persons'))[0]?.n)).toBe(
      personsBefore - 1,
    );
    expect(await query(`SELECT * FROM record_activity WHERE customer_id = 'C1'`)).toEqual([]);
    // "Delivered to client X" goes with the canary's person; the other persons' rows stay.
    expect(
      await query(
        `SELECT count(*) AS n, count(*) FILTER (WHERE person_id = ${canaryPerson}) AS canary
         FROM delivered_persons WHERE delivery_id = 'dlv-erasure'`,
      ),
    ).toEqual([{ n: BigInt(personsBefore - 1), canary: 0n }]);
    // Gone from the file's bytes too (the test pool is not encrypted without httpfs;
    // encrypted, the search finds nothing either way).
    const search = await findValuesInPoolFiles(pool.warehouse, [
      'jean.canari@exemple.test',
      'CANARI',
      '+33612345678',
      'marie.durand@exemple.test',
    ]);
    expect(search.filesSearched).toBeGreaterThan(0);
    // A value still in the pool is found: the search can see values (the test can fail).
    expect(search.found).toEqual(['marie.durand@exemple.test']);

    // The member re-sends its full base, canary included: dropped and counted.
    const suppressed = await listCustomerSuppressionHashes(ctx, 'M01');
    expect(suppressed).toHaveLength(1);
    const resent = await load('M01', [CANARY, ...M01_OTHERS], suppressed);
    expect(resent.outcome).toBe('loaded');
    expect(resent.outcome === 'loaded' && resent.summary?.suppressed).toBe(1);
    expect(await query(`SELECT customer_id FROM member_records WHERE customer_id = 'C1'`)).toEqual(
      [],
    );
    // Without the suppression the same file would have brought it back (the test can fail).
    expect(await listCustomerSuppressionHashes(ctx, 'M02')).toEqual([]);
  });

  it('deletes an erased customer again at the next build when the pool holds it again', async () => {
    const housekeepingBuild = () =>
      runPoolBuild({
        ctx,
        warehouse,
        actor: SYSTEM_ACTOR,
        full: false,
        trigger: 'housekeeping',
        hmacSecret: HMAC_SECRET,
      });
    // As a pool restored from a backup taken before the erasure would: the canary's
    // record is back (loaded without the suppression list).
    expect((await load('M01', [CANARY, ...M01_OTHERS])).outcome).toBe('loaded');
    expect(await query(`SELECT customer_id FROM member_records WHERE customer_id = 'C1'`)).toEqual([
      { customer_id: 'C1' },
    ]);
    const changes = await housekeepingBuild();
    expect(changes.suppressed).toEqual({
      customers: 1,
      records: 1,
      heldRecords: 0,
      transactions: 0,
    });
    expect(await query(`SELECT customer_id FROM member_records WHERE customer_id = 'C1'`)).toEqual(
      [],
    );
    expect(await query(`SELECT * FROM record_activity WHERE customer_id = 'C1'`)).toEqual([]);
    const purged = (await listLatestAuditEvents(ctx, 2)).find(
      (event) => event.action === 'pool.purged',
    );
    expect(purged?.details).toMatchObject({
      reason: 'suppressed_customers',
      customers: 1,
      records: 1,
    });
    expect(JSON.stringify(purged)).not.toMatch(/C1|CANARI|canari/);
    // The pool file was rewritten: the canary's values are gone from its bytes again.
    const search = await findValuesInPoolFiles(pool.warehouse, [
      'jean.canari@exemple.test',
      'marie.durand@exemple.test',
    ]);
    expect(search.found).toEqual(['marie.durand@exemple.test']);
    // Nothing left to delete: the next build finds nothing.
    expect((await housekeepingBuild()).suppressed.customers).toBe(0);
  });

  it('records what an erasure deleted once the pool commits, and a retry redoes only the failed step', async () => {
    const partial =
      'X9,MME,Lea,PARTIELLE,,,4 rue Haute,,33000,BORDEAUX,FR,lea.partielle@exemple.test,,,1990-02-02,1,0,0,2026-02-01';
    expect((await load('M02', [...M02_LINES, partial])).outcome).toBe('loaded');
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'erasure',
      identity: { email: 'lea.partielle@exemple.test' },
      verification: 'email reply',
    });
    expect(request.items.map((item) => [item.memberCode, item.customerIds])).toEqual([
      ['M02', ['X9']],
    ]);
    const steps = async () =>
      (await listAuditEvents(ctx, { objectId: request.id, limit: 50 })).events.map(
        (event) => event.details,
      );
    // The drop store cannot be listed (a file where its folder should be): the last step fails.
    const brokenStore = path.join(sftpRoot, 'drop-store-is-a-file');
    writeFileSync(brokenStore, 'not a folder');
    const m02Admin: TActor = { ...M01_ADMIN, ref: 'principal:m02-admin', organisationCode: 'M02' };
    await expect(
      confirmRightsErasure({ ...deps, dropStore: brokenStore }, m02Admin, {
        memberCode: 'M02',
        requestId: request.id,
      }),
    ).rejects.toBeDefined();
    expect(await query(`SELECT customer_id FROM member_records WHERE customer_id = 'X9'`)).toEqual(
      [],
    );
    // The pool's deletion committed: its counts are recorded at once, and the failure says
    // which step failed.
    const counts = { records: 1, heldRecords: 0, transactions: 0, personsGone: 1 };
    expect(await steps()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ step: 'pool_erased', ...counts }),
        expect.objectContaining({ step: 'erasure_failed', failedStep: 'drop_files' }),
      ]),
    );

    const retried = await retryRightsRequest(deps, OPERATOR, request.id);
    expect(retried.items.map((item) => item.status)).toEqual(['erasure_confirmed']);
    const after = await steps();
    // The retry reports what was erased, not the nothing it finds left.
    expect(after.find((details) => details.step === 'erased')).toMatchObject({
      ...counts,
      poolSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      dropFiles: expect.any(Number),
    });
    // Only the failed step ran again: the pool deletion (and its record) happened once.
    expect(after.filter((details) => details.step === 'pool_erased')).toHaveLength(1);
  });

  it('keeps what an erasure deleted when the process dies between the pool commit and recording it', async () => {
    const lost =
      'X8,M,Noe,PERDU,,,6 rue Basse,,33000,BORDEAUX,FR,noe.perdu@exemple.test,,,1991-03-03,1,0,0,2026-02-01';
    expect((await load('M02', [...M02_LINES, lost])).outcome).toBe('loaded');
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'erasure',
      identity: { email: 'noe.perdu@exemple.test' },
      verification: 'email reply',
    });
    const m02Admin: TActor = { ...M01_ADMIN, ref: 'principal:m02-admin', organisationCode: 'M02' };
    // The control plane refuses the counts right after the pool's commit (a crash there).
    const crash = await failAuditAppends(control.db, "NEW.details->>'step' = 'pool_erased'");
    await expect(
      confirmRightsErasure(deps, m02Admin, { memberCode: 'M02', requestId: request.id }),
    ).rejects.toBeDefined();
    await crash.restore();
    expect(await query(`SELECT customer_id FROM member_records WHERE customer_id = 'X8'`)).toEqual(
      [],
    );
    // After a restart (the pool file opened again), the retry reports what was erased.
    warehouse = await pool.reopen();
    deps = { ...deps, warehouse };
    const retried = await retryRightsRequest(deps, OPERATOR, request.id);
    expect(retried.items.map((item) => item.status)).toEqual(['erasure_confirmed']);
    const steps = (await listAuditEvents(ctx, { objectId: request.id, limit: 50 })).events.map(
      (event) => event.details,
    );
    const counts = { records: 1, heldRecords: 0, transactions: 0, personsGone: 1 };
    expect(steps.filter((details) => details.step === 'pool_erased')).toEqual([
      expect.objectContaining(counts),
    ]);
    expect(steps.find((details) => details.step === 'erased')).toMatchObject(counts);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it('finishes an erasure whose process died right after the confirmation, and holds the request open until then', async () => {
    const stuck =
      'X9,M,Lea,COUPEE,,,4 rue Haute,,33000,BORDEAUX,FR,lea.coupee@exemple.test,,,1993-05-05,1,0,0,2026-02-01';
    expect((await load('M02', [...M02_LINES, stuck])).outcome).toBe('loaded');
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'erasure',
      identity: { email: 'lea.coupee@exemple.test' },
      verification: 'email reply',
    });
    const m02Admin: TActor = { ...M01_ADMIN, ref: 'principal:m02-admin', organisationCode: 'M02' };
    // The process dies once the confirmation committed: neither the pool's counts nor a
    // failure reach the control plane (both appends refused, as a dead process writes none).
    const crash = await failAuditAppends(
      control.db,
      "NEW.details->>'step' IN ('pool_erased', 'erasure_failed')",
    );
    await expect(
      confirmRightsErasure(deps, m02Admin, { memberCode: 'M02', requestId: request.id }),
    ).rejects.toBeDefined();
    await crash.restore();
    const [item] =
      (await listRightsRequests(ctx, {})).find((r) => r.id === request.id)?.items ?? [];
    expect(item).toMatchObject({ status: 'forwarded', confirmedAt: expect.any(Date) });
    // Closed now, it could never be retried: refused until the erasure is finished.
    await expect(
      closeRightsRequest(ctx, OPERATOR, request.id, { reason: 'answered' }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('M02') });

    warehouse = await pool.reopen();
    deps = { ...deps, warehouse };
    const retried = await retryRightsRequest(deps, OPERATOR, request.id);
    expect(retried.items.map((entry) => entry.status)).toEqual(['erasure_confirmed']);
    const steps = (await listAuditEvents(ctx, { objectId: request.id, limit: 50 })).events.map(
      (event) => event.details,
    );
    const counts = { records: 1, heldRecords: 0, transactions: 0, personsGone: 1 };
    expect(steps.find((details) => details.step === 'erased')).toMatchObject(counts);
    expect(await query(`SELECT customer_id FROM member_records WHERE customer_id = 'X9'`)).toEqual(
      [],
    );
    expect(
      (await closeRightsRequest(ctx, OPERATOR, request.id, { reason: 'answered' })).status,
    ).toBe('closed');
  });

  it('erases only the customers the member names when a shared email matched two persons', async () => {
    // A couple sharing one email address: two persons in the pool (other names, births).
    const shared = [
      'X5,M,Marc,PARTAGE,,,2 rue du Port,,33000,BORDEAUX,FR,famille.partage@exemple.test,,,1970-07-07,1,0,0,2026-02-01',
      'X6,MME,Anne,COMMUN,,,9 allee des Pins,,33000,BORDEAUX,FR,famille.partage@exemple.test,,,1972-08-08,1,0,0,2026-02-01',
    ];
    expect((await load('M02', [...M02_LINES, ...shared])).outcome).toBe('loaded');
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'erasure',
      identity: { email: 'famille.partage@exemple.test' },
      verification: 'signed letter from Marc',
    });
    expect(request.items).toEqual([
      expect.objectContaining({ memberCode: 'M02', customerIds: ['X5', 'X6'] }),
    ]);
    const m02Admin: TActor = { ...M01_ADMIN, ref: 'principal:m02-admin', organisationCode: 'M02' };
    const confirm = (customerIds?: string[]) =>
      confirmRightsErasure(deps, m02Admin, {
        memberCode: 'M02',
        requestId: request.id,
        ...(customerIds ? { customerIds } : {}),
      });
    // Only customers of the request may be named.
    await expect(confirm(['X5', 'X1'])).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(confirm([])).rejects.toMatchObject({ code: 'validation_failed' });

    // The member knows Marc is X5: only X5 is erased and suppressed.
    const done = await confirm(['X5']);
    expect(done).toMatchObject({ status: 'erasure_confirmed', confirmedCustomerIds: ['X5'] });
    expect(
      await query(
        `SELECT customer_id FROM member_records WHERE customer_id IN ('X5', 'X6') ORDER BY 1`,
      ),
    ).toEqual([{ customer_id: 'X6' }]);
    const suppressed = await ctx.db
      .selectFrom('suppressions')
      .select('customer_id_hmac')
      .where('request_id', '=', request.id)
      .execute();
    expect(suppressed).toHaveLength(1);
    const steps = (await listAuditEvents(ctx, { objectId: request.id, limit: 50 })).events.map(
      (event) => event.details,
    );
    expect(steps.find((details) => details.step === 'erasure_confirmed')).toMatchObject({
      customerCount: 1,
      matchedCustomerCount: 2,
    });
    // Done: a later confirmation, whatever it names, changes nothing.
    await expect(confirm(['X6'])).resolves.toMatchObject({ confirmedCustomerIds: ['X5'] });
    expect(await query(`SELECT customer_id FROM member_records WHERE customer_id = 'X6'`)).toEqual([
      { customer_id: 'X6' },
    ]);
  });

  it('commits no erasure once this process no longer owns the pool, and a retry by the owner erases', async () => {
    const kept =
      'X7,M,Ugo,GARDE,,,9 rue Neuve,,33000,BORDEAUX,FR,ugo.garde@exemple.test,,,1992-04-04,1,0,0,2026-02-01';
    expect((await load('M02', [...M02_LINES, kept])).outcome).toBe('loaded');
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'erasure',
      identity: { email: 'ugo.garde@exemple.test' },
      verification: 'email reply',
    });
    const m02Admin: TActor = { ...M01_ADMIN, ref: 'principal:m02-admin', organisationCode: 'M02' };
    // The lease was taken over while the erasure ran (openPool's confirmOwnership throws).
    const owned = warehouse.confirmOwnership;
    const lost = new Error('the pool lease was lost');
    warehouse.confirmOwnership = async () => {
      throw lost;
    };
    try {
      await expect(
        confirmRightsErasure(deps, m02Admin, { memberCode: 'M02', requestId: request.id }),
      ).rejects.toBeDefined();
    } finally {
      warehouse.confirmOwnership = owned;
    }
    // Nothing of the erasure reached this copy of the pool: not the deletion, not its counts.
    expect(await query(`SELECT customer_id FROM member_records WHERE customer_id = 'X7'`)).toEqual([
      { customer_id: 'X7' },
    ]);
    expect(await query('SELECT count(*)::INTEGER AS n FROM audit_outbox')).toEqual([{ n: 0 }]);
    const steps = async () =>
      (await listAuditEvents(ctx, { objectId: request.id, limit: 50 })).events.map(
        (event) => event.details,
      );
    expect((await steps()).filter((details) => details.step === 'pool_erased')).toEqual([]);
    expect(await steps()).toContainEqual(
      expect.objectContaining({ step: 'erasure_failed', failedStep: 'pool' }),
    );

    const retried = await retryRightsRequest(deps, OPERATOR, request.id);
    expect(retried.items.map((item) => item.status)).toEqual(['erasure_confirmed']);
    expect(await query(`SELECT customer_id FROM member_records WHERE customer_id = 'X7'`)).toEqual(
      [],
    );
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it('tracks deadlines, extensions (two months at most) and overdue requests on the clock', async () => {
    now = new Date('2027-01-31T09:00:00Z');
    const request = await createRightsRequest(deps, OPERATOR, {
      type: 'rectification',
      identity: { email: 'late@exemple.test' },
      verification: 'email reply',
    });
    // The end of 28 February in Paris (Regulation 1182/71: the last hour of that day).
    expect(request.dueAt.toISOString()).toBe('2027-02-28T22:59:59.999Z');
    now = new Date('2027-03-01T09:00:00Z');
    const overdue = await listRightsRequests(ctx, { overdue: true });
    expect(overdue.map((entry) => entry.id)).toContain(request.id);
    const extended = await extendRightsRequest(ctx, OPERATOR, request.id, {
      months: 1,
      reason: 'complex',
    });
    // Counted from the receipt: two months from 31 January is 31 March (summer time by then).
    expect(extended.deadline.toISOString()).toBe('2027-03-31T21:59:59.999Z');
    expect(extended.overdue).toBe(false);
    expect(
      (await listRightsRequests(ctx, { overdue: true })).map((entry) => entry.id),
    ).not.toContain(request.id);
    await expect(
      extendRightsRequest(ctx, OPERATOR, request.id, { months: 2, reason: 'more' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    const again = await extendRightsRequest(ctx, OPERATOR, request.id, {
      months: 1,
      reason: 'more',
    });
    expect(again.deadline.toISOString()).toBe('2027-04-30T21:59:59.999Z');
    const closed = await closeRightsRequest(ctx, OPERATOR, request.id, { reason: 'answered' });
    expect(closed.status).toBe('closed');
    now = new Date('2027-06-01T09:00:00Z');
    expect(
      (await listRightsRequests(ctx, { overdue: true })).map((entry) => entry.id),
    ).not.toContain(request.id);
    await expect(
      extendRightsRequest(ctx, OPERATOR, request.id, { months: 1, reason: 'x' }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });
});
