import type { Dirent } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  appendAuditEvent,
  type ControlContext,
  listDeliveries,
  type TActor,
} from '@alliage/control';
import { deliveryFileName, outboxFileFate, type TOutboxDeliveryState } from '@alliage/delivery';

export interface SweepDeliveryOutboxesOptions {
  ctx: ControlContext;
  actor: TActor;
  /** SFTP storage root: deliveries are in `<sftpRoot>/<CLIENT>/out/`. */
  sftpRoot: string;
  /** The delivery expiry in force (`ALLIAGE_DELIVERY_EXPIRY_DAYS`), for files no delivery knows. */
  expiryDays: number;
}

/** What a sweep of the clients' `out/` folders did, in counts. */
export interface TDeliveryOutboxSweep {
  /** Files of expired or failed deliveries deleted. */
  removed: number;
  /** Files no delivery knows, named as this platform names deliveries and past any expiry, deleted. */
  removedUnknown: number;
  /** Files of deliveries still live or being written. */
  kept: number;
  /** Files no delivery knows, kept for an operator to look at. */
  unknown: number;
}

/**
 * Deletes from every client's `out/` the files that no live delivery needs
 * (`outboxFileFate`): those of deliveries the control plane marked expired or failed
 * (a restore of the data directory brings them back; the expiry pass only sees
 * deliveries still `written`), and those no delivery knows whose name proves they are
 * delivery files past any expiry (a restore of an older control plane). Other unknown
 * files are kept and counted. Appends `file.purged` (counts only) when it deleted
 * anything. Safe to run again.
 *
 * @example
 * const sweep = await sweepDeliveryOutboxes({ ctx, actor: SYSTEM_ACTOR, sftpRoot, expiryDays: 30 });
 */
export async function sweepDeliveryOutboxes(
  options: SweepDeliveryOutboxesOptions,
): Promise<TDeliveryOutboxSweep> {
  const outcome: TDeliveryOutboxSweep = { removed: 0, removedUnknown: 0, kept: 0, unknown: 0 };
  // A delivery's file is named by its ID and creation day, recorded or not yet (pending).
  const deliveries = new Map<string, TOutboxDeliveryState>();
  for (const delivery of await listDeliveries(options.ctx)) {
    const fileName =
      delivery.fileName ??
      deliveryFileName({ deliveryId: delivery.id, createdAt: delivery.createdAt });
    deliveries.set(path.join(delivery.clientOrgCode, fileName), delivery);
  }
  const now = options.ctx.clock();
  const organisations = (await listEntries(options.sftpRoot)).filter((entry) =>
    entry.isDirectory(),
  );
  for (const organisation of organisations) {
    const outbox = path.join(options.sftpRoot, organisation.name, 'out');
    for (const entry of await listEntries(outbox)) {
      const fate = entry.isFile()
        ? outboxFileFate({
            fileName: entry.name,
            delivery: deliveries.get(path.join(organisation.name, entry.name)) ?? null,
            now,
            expiryDays: options.expiryDays,
          })
        : ({ action: 'keep', why: 'unknown' } as const);
      if (fate.action === 'delete') {
        await rm(path.join(outbox, entry.name), { force: true });
        if (fate.why === 'unknown_past_expiry') outcome.removedUnknown += 1;
        else outcome.removed += 1;
      } else if (fate.why === 'unknown') {
        outcome.unknown += 1;
      } else {
        outcome.kept += 1;
      }
    }
  }
  if (outcome.removed + outcome.removedUnknown > 0) {
    await appendAuditEvent(options.ctx.db, options.ctx.clock, {
      action: 'file.purged',
      actor: options.actor,
      objectType: 'delivery_outbox',
      details: { reason: 'delivery_finished', expiryDays: options.expiryDays, ...outcome },
    });
  }
  return outcome;
}

/** Entries of a directory; none when it does not exist (a client never delivered to). */
async function listEntries(directory: string): Promise<Dirent[]> {
  try {
    return await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
