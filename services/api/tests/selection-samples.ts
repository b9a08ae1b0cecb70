import {
  completeDelivery,
  createDelivery,
  createSelection,
  decideSelection,
  orderSelection,
  recordSelectionCount,
  SYSTEM_ACTOR,
  type TActor,
} from '@alliage/control';
import type { TSelectionRequestInput } from '@alliage/domain';
import type { TestApi, TSeededCaller } from './api-test-env.ts';

let sequence = 0;

export const SAMPLE_SELECTION: TSelectionRequestInput = {
  name: 'Matrix sample',
  channel: 'email',
  purpose: 'targeting',
  campaignStart: '2026-01-01',
  campaignEnd: '2099-12-31',
  criteria: { geography: { departements: ['69'] } },
};

/** The audit actor of a seeded principal, as the API authenticates it. */
export function actorOf(api: TestApi, caller: TSeededCaller): TActor {
  const principal = api.principals[caller];
  return {
    ref: `principal:${principal.id}`,
    principalId: principal.id,
    role: principal.role,
    organisationId: principal.organisationId,
    organisationCode: principal.organisationCode,
  };
}

/** A selection of client C01, created by its marketer and taken to `state`. */
export async function clientSelection(api: TestApi, state: 'draft' | 'counted' | 'ordered') {
  const marketer = actorOf(api, 'c01Marketer');
  const selection = await createSelection(api.ctx, marketer, {
    clientOrgCode: 'C01',
    request: SAMPLE_SELECTION,
  });
  if (state === 'draft') return selection;
  const shown = { total: 40, byChannel: null, byDepartement: null };
  await recordSelectionCount(api.ctx, marketer, {
    selectionId: selection.id,
    exactTotal: 42,
    shown,
    blurred: false,
  });
  if (state === 'counted') return selection;
  return orderSelection(api.ctx, marketer, {
    selectionId: selection.id,
    quantity: 20,
    minimum: 20,
  });
}

/** A written delivery of client C01 carrying one seed, whose email comes with it as `seedEmail`. */
export async function clientDelivery(api: TestApi) {
  const ordered = await clientSelection(api, 'ordered');
  await decideSelection(api.ctx, actorOf(api, 'operator'), {
    selectionId: ordered.id,
    decision: 'approve',
    reason: 'sample',
  });
  const delivery = await createDelivery(api.ctx, {
    selectionId: ordered.id,
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  sequence += 1;
  const seedEmail = `seed-${sequence}@alliage-temoins.fr`;
  const written = await completeDelivery(api.ctx, SYSTEM_ACTOR, {
    deliveryId: delivery.id,
    fileName: `alliage-sample-${sequence}.csv.gpg`,
    sizeBytes: 10,
    sha256: 'a'.repeat(64),
    rowCount: 21,
    recipientKeyFingerprint: 'B'.repeat(40),
    signerFingerprint: 'C'.repeat(40),
    seeds: [
      {
        rowId: `RSEED${sequence}`,
        civility: 'MME',
        firstName: 'Claire',
        lastName: 'Testseed',
        addressLines: [],
        postcode: null,
        email: seedEmail,
        phone: null,
      },
    ],
    memberUsage: [{ memberCode: 'M01', personCount: 20 }],
    instructionVersions: { M01: 1 },
  });
  return { ...written, seedEmail };
}
