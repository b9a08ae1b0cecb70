import {
  type ControlContext,
  getSelection,
  recordDisclosedCount,
  repoussoirFeed,
  type TActor,
} from '@alliage/control';
import type { TChannel, TDisclosedCount } from '@alliage/domain';
import { countSelection, syncRepoussoirHashes, type TWarehouse } from '@alliage/warehouse';
import { buildSelectionScope } from './build-selection-scope.ts';
import { deriveCellKeySeed } from './derive-cell-key-seed.ts';
import { discloseAudienceCount } from './disclose-audience-count.ts';
import type { TSelectionSettings } from './selection-settings.ts';

/** What a client is told about the size of its audience. */
export interface TAudienceCount {
  selectionId: string;
  countedAt: string;
  channel: TChannel;
  /** Persons reachable on the selection's channel: perturbed, rounded, "<k" when small. */
  total: TDisclosedCount;
  /**
   * True when one of the same client's recent counts differs from this one by less than
   * the threshold, by zero included (the count is then answered with that earlier one, so
   * differencing reveals nobody); breakdowns are then withheld.
   */
  blurred: boolean;
  /** Same criteria, had the selection been on each channel (null when blurred). */
  byChannel: Record<TChannel, TDisclosedCount> | null;
  /**
   * The selection's channel, by département of residence (null when blurred); only the
   * départements shown as a number (one below the threshold is left out, so that a lone
   * person's département does not appear).
   */
  byDepartement: Record<string, TDisclosedCount> | null;
}

export interface CountSelectionAudienceOptions {
  ctx: ControlContext;
  warehouse: TWarehouse;
  settings: TSelectionSettings;
  actor: TActor;
  /** The platform's HMAC secret: the persons' cell keys derive from it (`deriveCellKeySeed`). */
  hmacSecret: string;
  selectionId: string;
  /** Set for client principals: another client's selection is "not found". */
  clientOrgId?: string;
}

/**
 * Counts a selection in the pool under the instructions, consents, retention and
 * repoussoir in force now, discloses it (cell-key perturbation, threshold, rounding,
 * anti-differencing of the total and of every breakdown value against the same value of
 * the client's recent counts) and records the count (`selection.counted`) with the values it showed.
 *
 * @example
 * const count = await countSelectionAudience({ ctx, warehouse, settings, actor, hmacSecret, selectionId });
 */
export async function countSelectionAudience(
  options: CountSelectionAudienceOptions,
): Promise<TAudienceCount> {
  const { ctx, settings } = options;
  const selection = await getSelection(ctx, options.selectionId, {
    clientOrgId: options.clientOrgId,
  });
  const now = ctx.clock();
  const { scope, permittingInstructionVersions } = await buildSelectionScope(ctx, selection, now);
  await syncPoolRepoussoir(ctx, options.warehouse);
  const exact = await countSelection(options.warehouse, selection.criteria, scope, {
    cellKeySeed: deriveCellKeySeed(options.hmacSecret),
  });
  // The pool is counted unlocked; what the client is told depends on its other counts, so
  // it is decided and recorded under the client's count lock.
  return recordDisclosedCount(ctx, options.actor, {
    selectionId: selection.id,
    since: new Date(now.getTime() - settings.countDifferencingHours * 3_600_000),
    disclose: (recent) =>
      discloseAudienceCount({
        selectionId: selection.id,
        channel: selection.channel,
        countedAt: now,
        exact,
        recent,
        settings,
        instructionVersions: permittingInstructionVersions,
      }),
  });
}

/**
 * Catches the pool's repoussoir mirror up with the control plane and marks the persons
 * again when the list changed (or the marks went stale) since the last time; returns
 * whether it did.
 */
export async function syncPoolRepoussoir(
  ctx: ControlContext,
  warehouse: TWarehouse,
): Promise<boolean> {
  return syncRepoussoirHashes(warehouse, repoussoirFeed(ctx));
}
