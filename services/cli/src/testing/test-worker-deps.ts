import path from 'node:path';
import type { ControlContext } from '@alliage/control';
import type { JobQueue } from '@alliage/queue';
import type { TWarehouse } from '@alliage/warehouse';
import type { WorkerDeps } from '@alliage/worker';

/**
 * Worker dependencies for job tests: the given control plane, pool and queue, SFTP
 * root and drop store under `directory`, no platform key, test-only secret and
 * disclosure settings.
 *
 * @example
 * const deps = testWorkerDeps({ ctx, warehouse: pool.warehouse, directory: pool.directory, queue });
 */
export function testWorkerDeps(options: {
  ctx: ControlContext;
  warehouse: TWarehouse;
  directory: string;
  queue: JobQueue;
}): WorkerDeps {
  return {
    intake: {
      ctx: options.ctx,
      decryptionKeys: [],
      sftpRoot: path.join(options.directory, 'sftp'),
      dropStore: path.join(options.directory, 'drops'),
      maxPlaintextBytes: 1024 ** 2,
      maxRejectedRowRatio: 0.05,
      warehouse: options.warehouse,
      hmacSecret: 'test-only-hmac-secret-0123456789abcdef',
    },
    queue: options.queue,
    selections: {
      countThreshold: 20,
      countRounding: 10,
      countDifferencingHours: 0,
      deliveryExpiryDays: 30,
      seedCount: 3,
      seedEmailDomain: 'example.invalid',
    },
    dropFileRetentionDays: 7,
    memberExportRetentionDays: 30,
  };
}
