import {
  type ControlContext,
  getSelection,
  listRecentCountCells,
  recordSelectionCount,
  repoussoirFeed,
  type TActor,
} from '@alliage/control';
import {
  channelCellKey,
  departementCellKey,
  discloseCountCells,
  type TChannel,
  type TCountCells,
  type TDisclosedCount,
  ZChannel,
} from '@alliage/domain';
import { countSelection, syncRepoussoirHashes, type TWarehouse } from '@alliage/warehouse';
import { buildSelectionScope } from './build-selection-scope.ts';
import type { TSelectionSettings } from './selection-settings.ts';

/** What a client is told about the size of its audience. */
export interface TAudienceCount {
  selectionId: string;
  countedAt: string;
  channel: TChannel;
  /** Persons reachable on the selection's channel: rounded, "<k" when small. */
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
  selectionId: string;
  /** Set for client principals: another client's selection is "not found". */
  clientOrgId?: string;
}

/**
 * Counts a selection in the pool under the instructions, consents, retention and
 * repoussoir in force now, discloses it (threshold, rounding, anti-differencing of the
 * total and of every breakdown value against the same value of the client's recent
 * counts) and records the count (`selection.counted`) with the values it showed.
 *
 * @example
 * const count = await countSelectionAudience({ ctx, warehouse, settings, actor, selectionId });
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
  const exact = await countSelection(options.warehouse, selection.criteria, scope);
  const recent = await listRecentCountCells(ctx, {
    clientOrgId: selection.clientOrgId,
    since: new Date(now.getTime() - settings.countDifferencingHours * 3_600_000),
  });
  // Every value is a cell: the total is the cell of the selection's channel.
  const totalCell = channelCellKey(selection.channel);
  const exactCells: TCountCells = {
    ...Object.fromEntries(
      ZChannel.options.map((channel) => [channelCellKey(channel), exact.byChannel[channel]]),
    ),
    [totalCell]: exact.total,
    ...Object.fromEntries(
      Object.entries(exact.byDepartement).map(([departement, count]) => [
        departementCellKey(selection.channel, departement),
        count,
      ]),
    ),
  };
  const disclosed = discloseCountCells({
    cells: exactCells,
    threshold: settings.countThreshold,
    rounding: settings.countRounding,
    recent,
  });
  const shownOf = (cell: string) => disclosed[cell]?.shown ?? `<${settings.countThreshold}`;
  const total = disclosed[totalCell] ?? { shown: shownOf(totalCell), blurred: false };
  // A blurred total withholds the breakdowns: it must not be rebuilt from its parts.
  const byDepartement = total.blurred
    ? null
    : Object.fromEntries(
        Object.keys(exact.byDepartement)
          .sort((a, b) => a.localeCompare(b))
          .map((departement) => [
            departement,
            shownOf(departementCellKey(selection.channel, departement)),
          ])
          .filter(([, shown]) => typeof shown === 'number'),
      );
  const response: TAudienceCount = {
    selectionId: selection.id,
    countedAt: now.toISOString(),
    channel: selection.channel,
    total: total.shown,
    blurred: total.blurred,
    byChannel: total.blurred
      ? null
      : (Object.fromEntries(
          ZChannel.options.map((channel) => [channel, shownOf(channelCellKey(channel))]),
        ) as Record<TChannel, TDisclosedCount>),
    byDepartement,
  };
  // Only what was shown is kept for later comparisons: a withheld value cannot be differenced.
  const shownCells = total.blurred ? [totalCell] : Object.keys(exactCells);
  await recordSelectionCount(ctx, options.actor, {
    selectionId: selection.id,
    exactTotal: exact.total,
    shown: {
      total: response.total,
      byChannel: response.byChannel,
      byDepartement: response.byDepartement,
    },
    blurred: total.blurred,
    instructionVersions: permittingInstructionVersions,
    cells: Object.fromEntries(
      shownCells.map((cell) => [cell, { exact: exactCells[cell] ?? 0, shown: shownOf(cell) }]),
    ),
  });
  return response;
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
