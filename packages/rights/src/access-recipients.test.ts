// The recipients in an access answer (GDPR Art. 15(1)(c)), on a real control plane
// (PGlite, and PostgreSQL when DATABASE_URL is set), a real pool (DuckDB file, loaded
// through loadMemberDrop so both members' records resolve into one person, and the real
// extraction recording who supplied each delivered person) and real GnuPG. A person
// held by M01 and M02 is delivered to C01 with both supplying, then to C02 with M02
// alone supplying: M01's answer lists C01 only, M02's both.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type ControlContext,
  completeDelivery,
  createDelivery,
  createOrganisation,
  createSelection,
  decideSelection,
  listLatestAuditEvents,
  orderSelection,
  recordSelectionCount,
  SYSTEM_ACTOR,
  setInstruction,
  type TActor,
} from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { hasGpg } from '@alliage/crypto/testing';
import { extractSelection, type TWarehouse } from '@alliage/warehouse';
import { scopeFor } from '@alliage/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAccessTestEnv, RIGHTS_TEST_OPERATOR, type TAccessTestEnv } from './access-test-env.ts';
import { confirmRightsErasure } from './confirm-rights-erasure.ts';
import { createRightsRequest } from './create-rights-request.ts';
import { RIGHTS_TEST_MEMBERS } from './rights-test-fixtures.ts';

// The same person at both members (other customer IDs); M02 also holds a stranger.
const shared = (customerId: string) =>
  `${customerId},MME,Claire,PARTAGEE,,,10 rue de la Paix,,75002,PARIS,FR,claire.partagee@exemple.test,,,1980-01-01,1,0,0,2026-01-10`;
const STRANGER =
  'B-2,M,Paul,MARTIN,,,8 rue Nationale,,59000,LILLE,FR,paul.martin@exemple.test,,,1975-05-05,1,0,0,2026-01-10';
const OPERATOR = RIGHTS_TEST_OPERATOR;
const MARKETER: TActor = {
  ...OPERATOR,
  ref: 'principal:marketer-test',
  role: 'client_marketer',
};
const M01_ADMIN: TActor = {
  ...OPERATOR,
  ref: 'principal:m01-admin',
  role: 'member_admin',
  organisationCode: 'M01',
};
const FINGERPRINT = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';

describe.skipIf(!hasGpg).each(testControlDbKinds())('access answer recipients (%s)', (kind) => {
  let env: TAccessTestEnv;
  let ctx: ControlContext;
  let warehouse: TWarehouse;
  let now = new Date('2026-12-10T10:00:00Z');

  /**
   * A postal delivery of everyone `permitting` members hold to `client`, as the delivery
   * job records it: the real extraction on the pool, the delivery written in the control
   * plane (the file itself is not what this test is about).
   */
  const deliver = async (client: string, permitting: string[]) => {
    const selection = await createSelection(ctx, MARKETER, {
      clientOrgCode: client,
      request: {
        name: 'recipients test',
        channel: 'postal',
        purpose: 'targeting',
        campaignStart: '2027-01-01',
        campaignEnd: '2027-01-31',
        criteria: {},
      },
    });
    await recordSelectionCount(ctx, MARKETER, {
      selectionId: selection.id,
      exactTotal: 2,
      shown: { total: '<20' },
      blurred: true,
    });
    await orderSelection(ctx, MARKETER, { selectionId: selection.id, quantity: 20, minimum: 1 });
    await decideSelection(ctx, OPERATOR, {
      selectionId: selection.id,
      decision: 'approve',
      reason: 'test',
    });
    const delivery = await createDelivery(ctx, {
      selectionId: selection.id,
      expiresAt: new Date(now.getTime() + 30 * 86_400_000),
    });
    const extracted = await extractSelection(warehouse, {
      criteria: selection.criteria,
      scope: scopeFor({
        today: now.toISOString().slice(0, 10),
        clientCode: client,
        channel: 'postal',
        retentionByMember: Object.fromEntries(permitting.map((member) => [member, 36])),
      }),
      quantity: 20,
      randomSeed: 1,
      deliveryId: delivery.id,
    });
    expect(extracted.persons.length).toBeGreaterThan(0);
    return completeDelivery(ctx, SYSTEM_ACTOR, {
      deliveryId: delivery.id,
      fileName: `${delivery.id}.csv.gpg`,
      sizeBytes: 1,
      sha256: '0'.repeat(64),
      rowCount: extracted.persons.length,
      recipientKeyFingerprint: FINGERPRINT,
      signerFingerprint: FINGERPRINT,
      seeds: [],
      memberUsage: extracted.memberUsage,
      instructionVersions: Object.fromEntries(permitting.map((member) => [member, 1])),
    });
  };

  /** A member's access export for the shared person, decrypted with the member's key. */
  const accessAnswer = (memberCode: string) =>
    env.requestAccess(memberCode, 'claire.partagee@exemple.test');

  beforeAll(async () => {
    env = await openAccessTestEnv(kind, () => now);
    ({ ctx, warehouse } = env);
    for (const [code] of RIGHTS_TEST_MEMBERS) {
      await setInstruction(ctx, SYSTEM_ACTOR, code, {
        purposes: ['targeting'],
        channels: ['postal'],
        thirdPartyAllowed: true,
        clientSectorsAllow: null,
        // M01 keeps its customers from clothing retailers: C02 gets M02's alone.
        clientSectorsDeny: code === 'M01' ? ['textile'] : [],
        signedBy: 'Test DPO (test only)',
        effectiveFrom: '2026-01-01',
      });
    }
    for (const [code, name, sector] of [
      ['C01', 'Energie Exemple SA', 'energie'],
      ['C02', 'Textile Exemple SARL', 'textile'],
    ] as const) {
      await createOrganisation(ctx, SYSTEM_ACTOR, { code, name, kind: 'client', sector });
    }
    await env.load('M01', [shared('A-1')]);
    await env.load('M02', [shared('B-1'), STRANGER]);
  });

  afterAll(async () => {
    await env?.close();
  });

  it('lists to each member only the deliveries of the person it supplied', async () => {
    const toC01 = await deliver('C01', ['M01', 'M02']);
    now = new Date('2026-12-11T10:00:00Z');
    const toC02 = await deliver('C02', ['M02']);

    const m01 = await accessAnswer('M01');
    // One person at both members: the request reaches both, each with its own customer.
    expect(m01.request.items.map((item) => [item.memberCode, item.customerIds])).toEqual([
      ['M01', ['A-1']],
      ['M02', ['B-1']],
    ]);
    expect(m01.data.recipients).toEqual([
      {
        deliveryId: toC01.id,
        clientName: 'Energie Exemple SA',
        clientSector: 'energie',
        deliveredAt: '2026-12-10T10:00:00.000Z',
        channel: 'postal',
        purpose: 'targeting',
      },
    ]);
    // Nothing of the delivery M02 supplied alone: neither the client nor its sector.
    const m01File = JSON.stringify(m01.data);
    expect(m01File).not.toContain('Textile');
    expect(m01File).not.toContain(toC02.id);

    const m02 = await accessAnswer('M02');
    expect(
      m02.data.recipients.map((recipient: { clientName: string; deliveryId: string }) => [
        recipient.clientName,
        recipient.deliveryId,
      ]),
    ).toEqual([
      ['Energie Exemple SA', toC01.id],
      ['Textile Exemple SARL', toC02.id],
    ]);
    // The audit event counts them, and names no client.
    const forwarded = (await listLatestAuditEvents(ctx, 10)).find(
      (event) => event.organisationCode === 'M01' && event.details.step === 'forwarded',
    );
    expect(forwarded?.details).toMatchObject({ recipients: 1 });

    // The report tells the member the data file holds the recipients.
    const report = JSON.parse(
      readFileSync(
        path.join(env.sftpRoot, 'M01', 'reports', `rights-request-${m01.request.id}.json`),
        'utf8',
      ),
    );
    expect(report.action).toContain('recipients');
  });

  it('forgets what M01 supplied once M01 erased its customer, and keeps what M02 did', async () => {
    const suppliers = async () => {
      const connection = await warehouse.connect();
      try {
        return (
          await connection.runAndReadAll(
            'SELECT member_code, count(*)::INTEGER FROM delivered_person_suppliers GROUP BY ALL ORDER BY ALL',
          )
        ).getRowsJS();
      } finally {
        connection.closeSync();
      }
    };
    // The shared person went twice (M02 supplying), with M01 once; the stranger twice.
    expect(await suppliers()).toEqual([
      ['M01', 1],
      ['M02', 4],
    ]);
    const request = await createRightsRequest(env.deps, OPERATOR, {
      type: 'erasure',
      identity: { email: 'claire.partagee@exemple.test' },
      verification: 'identity card copy seen',
    });
    await confirmRightsErasure(env.deps, M01_ADMIN, { memberCode: 'M01', requestId: request.id });
    expect(await suppliers()).toEqual([['M02', 4]]);
    const m02 = await accessAnswer('M02');
    expect(m02.data.recipients).toHaveLength(2);
  });
});
