import type { TActor } from '@alliage/control';
import { AppError } from '@alliage/domain';
import { applyRightsOpposition } from './apply-rights-opposition.ts';
import { eraseConfirmedItem } from './confirm-rights-erasure.ts';
import { forwardPendingItems } from './create-rights-request.ts';
import { getRightsRequest } from './get-rights-request.ts';
import type { TRightsDeps } from './rights-deps.ts';
import { isUnfinishedErasure, type TRightsRequest } from './rights-request.ts';

/**
 * Runs again the steps of a request that did not complete: the repoussoir entries of an
 * opposition (idempotent), forwarding to members still pending or failed (e.g. a member
 * that registered its PGP key since), and the pool deletion of erasures confirmed but not
 * done: failed, or left unfinished by a process that died after the confirmation (no
 * failure recorded then). A pool step that fails again throws, after the other steps ran.
 *
 * @example
 * const request = await retryRightsRequest(deps, actor, id);
 */
export async function retryRightsRequest(
  deps: TRightsDeps,
  actor: TActor,
  requestId: string,
): Promise<TRightsRequest> {
  const request = await getRightsRequest(deps.ctx, requestId);
  if (request.status === 'closed') {
    throw new AppError('conflict', `rights request ${request.id} is closed`);
  }
  if (request.type === 'opposition') await applyRightsOpposition(deps, actor, request.id);
  await forwardPendingItems(deps, actor, request.id);
  let failure: unknown = null;
  for (const item of request.items) {
    if (isUnfinishedErasure(item)) {
      await eraseConfirmedItem(deps, actor, request.id, item).catch((error: unknown) => {
        failure ??= error;
      });
    }
  }
  if (failure) throw failure;
  return getRightsRequest(deps.ctx, request.id);
}
