import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toAbandonedDropReport, toStorableDropReport } from '@alliage/domain';
import { completeFileDrop } from '../complete-file-drop.ts';
import { type ControlContext, SYSTEM_ACTOR } from '../control-context.ts';
import type { TFileDrop } from '../file-drop.ts';
import { registerFileDrop } from '../register-file-drop.ts';

/**
 * Test-only: a drop of `organisationCode` whose (placeholder, not PGP) file sits in the
 * drop store at `<dropStore>/<ORG>/<id>`, as intake leaves it, left `received` or
 * finished as `accepted`, `rejected` or `abandoned` (given up on after two attempts) at
 * `ctx.clock()`.
 *
 * @example
 * const drop = await storeTestDrop(ctx, { organisationCode: 'M01', dropStore, status: 'accepted' });
 */
export async function storeTestDrop(
  ctx: ControlContext,
  options: {
    organisationCode: string;
    dropStore: string;
    status: 'received' | 'accepted' | 'rejected' | 'abandoned';
  },
): Promise<TFileDrop> {
  const bytes = Buffer.from(`test-only placeholder of an encrypted drop ${randomUUID()}`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const directory = path.join(options.dropStore, options.organisationCode);
  mkdirSync(directory, { recursive: true });
  const drop = await registerFileDrop(
    ctx,
    SYSTEM_ACTOR,
    {
      organisationCode: options.organisationCode,
      fileName: `${options.organisationCode}_customers_${sha256.slice(0, 8)}.csv.gpg`,
      source: 'sftp',
      sizeBytes: bytes.length,
      sha256,
      storagePath: path.join(directory, 'pending'),
    },
    async () => {},
  );
  const storagePath = path.join(directory, drop.id);
  writeFileSync(storagePath, bytes);
  if (options.status === 'received') return drop;
  if (options.status === 'abandoned') {
    const given = toAbandonedDropReport({ ...drop, attempts: 2 }, ctx.clock());
    return completeFileDrop(ctx, SYSTEM_ACTOR, toStorableDropReport(given), { storagePath });
  }
  return completeFileDrop(
    ctx,
    SYSTEM_ACTOR,
    {
      fileDropId: drop.id,
      fileName: drop.fileName,
      status: options.status,
      sha256,
      sizeBytes: bytes.length,
      receivedAt: drop.receivedAt.toISOString(),
      finishedAt: ctx.clock().toISOString(),
      signerFingerprint: null,
      kind: 'customers',
      rows: null,
      rejection:
        options.status === 'rejected' ? { reason: 'unsigned', detail: 'test-only drop' } : null,
      rowErrors: [],
      duplicateOf: null,
      pool: null,
    },
    { storagePath },
  );
}
