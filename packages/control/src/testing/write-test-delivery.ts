import { completeDelivery } from '../complete-delivery.ts';
import { type ControlContext, SYSTEM_ACTOR, type TActor } from '../control-context.ts';
import { createDelivery } from '../create-delivery.ts';
import { createSelection } from '../create-selection.ts';
import { decideSelection } from '../decide-selection.ts';
import type { TDelivery } from '../delivery.ts';
import { getOrganisation } from '../get-organisation.ts';
import { orderSelection } from '../order-selection.ts';
import { recordSelectionCount } from '../record-selection-count.ts';

/**
 * Test-only: a written postal delivery of client `clientOrgCode` — a selection counted
 * (300), ordered (100) by the client's marketer and approved by `operator`, then its
 * delivery completed with the file `writeFile` puts in the client's out/ for the
 * delivery's ID (its name, size and SHA-256), with no seeds or member usage.
 *
 * @example
 * const delivery = await writeTestDelivery(ctx, { clientOrgCode: 'C01', operator, expiresAt,
 *   writeFile: async (id) => ({ fileName: `C01_${id}.csv.gpg`, sizeBytes: 10, sha256 }) });
 */
export async function writeTestDelivery(
  ctx: ControlContext,
  options: {
    clientOrgCode: string;
    operator: TActor;
    expiresAt: Date;
    writeFile: (
      deliveryId: string,
    ) => Promise<{ fileName: string; sizeBytes: number; sha256: string }>;
    /** Default: a made-up fingerprint. */
    recipientKeyFingerprint?: string;
    name?: string;
  },
): Promise<TDelivery> {
  const client = await getOrganisation(ctx, options.clientOrgCode);
  const marketer: TActor = {
    ref: `principal:marketer-${client.code}`,
    principalId: null,
    role: 'client_marketer',
    organisationId: client.id,
    organisationCode: client.code,
  };
  const selection = await createSelection(ctx, marketer, {
    clientOrgCode: client.code,
    request: {
      name: options.name ?? 'Delivery test',
      channel: 'postal',
      purpose: 'targeting',
      campaignStart: '2027-03-01',
      campaignEnd: '2027-03-31',
    },
  });
  await recordSelectionCount(ctx, marketer, {
    selectionId: selection.id,
    exactTotal: 300,
    shown: { total: 300 },
    blurred: false,
  });
  await orderSelection(ctx, marketer, { selectionId: selection.id, quantity: 100, minimum: 20 });
  await decideSelection(ctx, options.operator, {
    selectionId: selection.id,
    decision: 'approve',
    reason: 'ok',
  });
  const pending = await createDelivery(ctx, {
    selectionId: selection.id,
    expiresAt: options.expiresAt,
  });
  return completeDelivery(ctx, SYSTEM_ACTOR, {
    deliveryId: pending.id,
    ...(await options.writeFile(pending.id)),
    rowCount: 103,
    recipientKeyFingerprint: options.recipientKeyFingerprint ?? 'A'.repeat(40),
    signerFingerprint: 'B'.repeat(40),
    seeds: [],
    memberUsage: [],
  });
}
