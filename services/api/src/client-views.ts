import type { TDelivery, TSelection } from '@alliage/control';
import { isStaffRole } from '@alliage/domain';
import type { TAuthContext } from './api-route.ts';

/**
 * The fields of a selection its client reads (docs/api.md, "Client views"): not the
 * internal organisation id, nor who created, ordered or decided it (`*Ref`,
 * `createdByPrincipal`): a decision names the operator who made it, and staff
 * identities are not the client's to know.
 */
export const CLIENT_SELECTION_FIELDS = [
  'id',
  'clientOrgCode',
  'name',
  'channel',
  'purpose',
  'campaignStart',
  'campaignEnd',
  'criteria',
  'status',
  'createdAt',
  'orderedQuantity',
  'orderedAt',
  'decidedAt',
  'decisionReason',
  'updatedAt',
] as const satisfies readonly (keyof TSelection)[];

/**
 * The fields of a delivery its client reads: not how many rows are seeds (a seed must
 * stay indistinguishable from a real record to reveal misuse), nor the internal texts
 * of a failure (hosts, key fingerprints, causes: the stable `errorCode` /
 * `pushErrorCode` say what failed), nor the internal organisation id.
 */
export const CLIENT_DELIVERY_FIELDS = [
  'id',
  'selectionId',
  'clientOrgCode',
  'status',
  'fileName',
  'sizeBytes',
  'sha256',
  'rowCount',
  'recipientKeyFingerprint',
  'signerFingerprint',
  'createdAt',
  'writtenAt',
  'expiresAt',
  'expiredAt',
  'errorCode',
  'pushStatus',
  'pushedAt',
  'pushErrorCode',
  'remotePath',
] as const satisfies readonly (keyof TDelivery)[];

export type TClientSelectionView = Pick<TSelection, (typeof CLIENT_SELECTION_FIELDS)[number]>;
export type TClientDeliveryView = Pick<TDelivery, (typeof CLIENT_DELIVERY_FIELDS)[number]>;

/**
 * `value` whole for operators and compliance, else only its `fields`: an allow-list, so
 * that a field the control plane adds later stays internal until it is listed.
 */
function toClientView<T extends object, K extends keyof T>(
  value: T,
  auth: TAuthContext,
  fields: readonly K[],
): T | Pick<T, K> {
  if (isStaffRole(auth.principal.role)) return value;
  return Object.fromEntries(fields.map((field) => [field, value[field]])) as Pick<T, K>;
}

/**
 * What `auth` may read of a selection: all of it for staff, CLIENT_SELECTION_FIELDS for
 * its client.
 *
 * @example
 * return toSelectionView(await getSelection(ctx, id, scope), auth);
 */
export function toSelectionView(
  selection: TSelection,
  auth: TAuthContext,
): TSelection | TClientSelectionView {
  return toClientView(selection, auth, CLIENT_SELECTION_FIELDS);
}

/**
 * What `auth` may read of a delivery: all of it for staff, CLIENT_DELIVERY_FIELDS for
 * its client.
 *
 * @example
 * return toDeliveryView(await getDelivery(ctx, id, scope), auth);
 */
export function toDeliveryView(
  delivery: TDelivery,
  auth: TAuthContext,
): TDelivery | TClientDeliveryView {
  return toClientView(delivery, auth, CLIENT_DELIVERY_FIELDS);
}
