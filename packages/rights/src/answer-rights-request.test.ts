// Members answering forwarded rights requests, on a real control plane (PGlite, and
// PostgreSQL when DATABASE_URL is set) and a real pool (DuckDB file with fixture
// records keyed under the test secret): who may answer what, idempotency, the audit
// event, the derived `allItemsAnswered`, and overdue flagging in TypeScript and SQL.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type ControlContext,
  createOrganisation,
  listLatestAuditEvents,
  SYSTEM_ACTOR,
  type TActor,
  verifyAuditChain,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { generatePgpKeyPair, hmacSha256Hex } from '@alliage/crypto';
import type { TRightsRequestType } from '@alliage/domain';
import { createTestWarehouse, insertFixtureRecords } from '@alliage/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerRightsRequest } from './answer-rights-request.ts';
import { closeRightsRequest } from './close-rights-request.ts';
import { createRightsRequest } from './create-rights-request.ts';
import { getRightsRequest } from './get-rights-request.ts';
import { listMemberRightsRequests } from './list-member-rights-requests.ts';
import { listRightsRequests } from './list-rights-requests.ts';
import type { TRightsDeps } from './rights-deps.ts';

const HMAC_SECRET = 'test-only-hmac-secret-0123456789abcdef';
const OPERATOR: TActor = {
  ref: 'principal:operator-test',
  principalId: null,
  role: 'operator',
  organisationId: null,
  organisationCode: null,
};
const adminOf = (memberCode: string): TActor => ({
  ...OPERATOR,
  ref: `principal:${memberCode.toLowerCase()}-admin`,
  role: 'member_admin',
  organisationCode: memberCode,
});
/** Email → the members holding a record of that person (one person per email). */
const HOLDERS: Record<string, string[]> = {
  'shared@example.invalid': ['M01', 'M02'],
  'alone@example.invalid': ['M01'],
  'erase@example.invalid': ['M01'],
  'closed@example.invalid': ['M02'],
};

describe.each(testControlDbKinds())('answering rights requests (%s)', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let sftpRoot: string;
  let deps: TRightsDeps;
  let now = new Date('2026-12-10T10:00:00Z');

  const request = (type: TRightsRequestType, email: string) =>
    createRightsRequest(deps, OPERATOR, { type, identity: { email }, verification: 'test only' });
  const overdueIds = async () =>
    (await listRightsRequests(ctx, { overdue: true })).map((entry) => entry.id);

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    pool = await createTestWarehouse();
    sftpRoot = mkdtempSync(path.join(os.tmpdir(), 'alliage-rights-answer-test-'));
    const platformKey = await generatePgpKeyPair({
      name: 'Platform (test only)',
      email: 'platform@alliage.invalid',
    });
    deps = {
      ctx,
      warehouse: pool.warehouse,
      hmacSecret: HMAC_SECRET,
      sftpRoot,
      // No erasure runs here: the drop store is never read.
      dropStore: path.join(sftpRoot, 'drop-store'),
      signingKey: { armoredPrivateKey: platformKey.armoredPrivateKey },
    };
    for (const code of ['M01', 'M02', 'M03']) {
      await createOrganisation(ctx, SYSTEM_ACTOR, {
        code,
        name: `Member ${code}`,
        kind: 'member',
        sector: 'equipement_maison',
      });
    }
    let recordId = 0;
    const records = Object.entries(HOLDERS).flatMap(([email, members], personIndex) =>
      members.map((memberCode) => {
        recordId += 1;
        return {
          recordId,
          personId: personIndex + 1,
          memberCode,
          customerId: `${memberCode}-C${recordId}`,
          createdAt: '2026-01-01',
          emailHmac: hmacSha256Hex(HMAC_SECRET, email),
        };
      }),
    );
    await pool.warehouse.withWriter((connection) => insertFixtureRecords(connection, records));
  });

  afterAll(async () => {
    await pool?.cleanup();
    await control?.close();
    if (sftpRoot) rmSync(sftpRoot, { recursive: true, force: true });
  });

  it('records each member’s answer once, audited, and says when every member has answered', async () => {
    const created = await request('rectification', 'shared@example.invalid');
    expect(created.items.map((item) => [item.memberCode, item.status])).toEqual([
      ['M01', 'forwarded'],
      ['M02', 'forwarded'],
    ]);
    expect(created.allItemsAnswered).toBe(false);
    const target = { memberCode: 'M01', requestId: created.id };

    // A member the request was not forwarded to does not see it.
    await expect(
      answerRightsRequest(ctx, adminOf('M03'), { memberCode: 'M03', requestId: created.id }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      answerRightsRequest(ctx, adminOf('M01'), target, {
        answeredAt: new Date(now.getTime() + 60_000).toISOString(),
      }),
    ).rejects.toMatchObject({ code: 'validation_failed', fields: [{ path: 'body.answeredAt' }] });
    await expect(
      answerRightsRequest(ctx, adminOf('M01'), target, { answeredAt: '2026-12-01T00:00:00Z' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      answerRightsRequest(ctx, adminOf('M01'), target, { note: 'x'.repeat(201) }),
    ).rejects.toMatchObject({ code: 'validation_failed' });

    now = new Date('2026-12-12T08:00:00Z');
    const answered = await answerRightsRequest(ctx, adminOf('M01'), target, {
      answeredAt: '2026-12-11T16:30:00+01:00',
      note: 'ticket 4521, answered by post',
    });
    expect(answered).toMatchObject({
      memberCode: 'M01',
      status: 'answered',
      answeredBy: 'principal:m01-admin',
      answerNote: 'ticket 4521, answered by post',
    });
    expect(answered.answeredAt?.toISOString()).toBe('2026-12-11T15:30:00.000Z');
    const [event] = await listLatestAuditEvents(ctx, 1);
    expect(event).toMatchObject({
      action: 'rights_request.answered',
      objectId: created.id,
      organisationCode: 'M01',
      details: { step: 'answered', type: 'rectification', onTime: true, note: true },
    });
    // The note stays in the control table: the append-only chain never holds free text.
    expect(JSON.stringify(event)).not.toContain('ticket 4521');

    // Again: unchanged, and no second event.
    const again = await answerRightsRequest(ctx, adminOf('M01'), target, { note: 'other' });
    expect(again.answeredAt?.toISOString()).toBe('2026-12-11T15:30:00.000Z');
    expect(again.answerNote).toBe('ticket 4521, answered by post');
    expect((await listLatestAuditEvents(ctx, 1))[0]?.seq).toBe(event?.seq);

    const half = await getRightsRequest(ctx, created.id);
    expect(half.items.map((item) => [item.memberCode, item.status])).toEqual([
      ['M01', 'answered'],
      ['M02', 'forwarded'],
    ]);
    expect(half.allItemsAnswered).toBe(false);
    const [inbox] = await listMemberRightsRequests(ctx, 'M01');
    expect(inbox?.answeredAt?.toISOString()).toBe('2026-12-11T15:30:00.000Z');
    expect((await listMemberRightsRequests(ctx, 'M02'))[0]?.answeredAt).toBeNull();

    // Past the deadline with M02 still to answer: overdue, in TypeScript and in SQL alike.
    now = new Date('2027-01-11T10:00:00Z');
    expect((await getRightsRequest(ctx, created.id)).overdue).toBe(true);
    expect(await overdueIds()).toContain(created.id);

    const late = await answerRightsRequest(ctx, adminOf('M02'), {
      memberCode: 'M02',
      requestId: created.id,
    });
    expect(late.answeredAt?.toISOString()).toBe(now.toISOString());
    expect((await listLatestAuditEvents(ctx, 1))[0]?.details).toMatchObject({
      onTime: false,
      note: false,
    });
    const done = await getRightsRequest(ctx, created.id);
    expect(done).toMatchObject({ status: 'forwarded', allItemsAnswered: true, overdue: false });
    expect(await overdueIds()).not.toContain(created.id);
    expect((await listRightsRequests(ctx, { overdue: false })).map((entry) => entry.id)).toContain(
      created.id,
    );

    // Closing stays a decision; an answered item is still returned as is afterwards.
    await closeRightsRequest(ctx, OPERATOR, created.id, { reason: 'both members answered' });
    expect(
      (
        await answerRightsRequest(ctx, adminOf('M02'), {
          memberCode: 'M02',
          requestId: created.id,
        })
      ).status,
    ).toBe('answered');
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it('refuses erasures, failed forwards and closed requests', async () => {
    const erasure = await request('erasure', 'erase@example.invalid');
    await expect(
      answerRightsRequest(ctx, adminOf('M01'), { memberCode: 'M01', requestId: erasure.id }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('erasure') });

    // M01 has no PGP key: the access export fails, so there is nothing to answer yet.
    const access = await request('access', 'alone@example.invalid');
    expect(access.items.map((item) => item.status)).toEqual(['failed']);
    await expect(
      answerRightsRequest(ctx, adminOf('M01'), { memberCode: 'M01', requestId: access.id }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('retried') });

    const closed = await request('opposition', 'closed@example.invalid');
    await closeRightsRequest(ctx, OPERATOR, closed.id, { reason: 'withdrawn by the person' });
    await expect(
      answerRightsRequest(ctx, adminOf('M02'), { memberCode: 'M02', requestId: closed.id }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('closed') });
    expect((await getRightsRequest(ctx, closed.id)).items[0]?.status).toBe('forwarded');
  });

  it('never counts a request nobody holds records for as answered', async () => {
    const nobody = await request('access', 'nobody@example.invalid');
    expect(nobody).toMatchObject({ items: [], allItemsAnswered: false });
    now = new Date(nobody.deadline.getTime() + 1000);
    expect((await getRightsRequest(ctx, nobody.id)).overdue).toBe(true);
    expect(await overdueIds()).toContain(nobody.id);
  });
});
