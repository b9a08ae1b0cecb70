import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { completeFileDrop, registerFileDrop, SYSTEM_ACTOR, type TFileDrop } from '@alliage/control';
import { toAbandonedDropReport, toStorableDropReport } from '@alliage/domain';
import type { TestApi } from './api-test-env.ts';

let sampleSequence = 0;
/** The drop stores the sample drops' files are written into, removed after the suite. */
const stores: string[] = [];

/**
 * A drop of `memberCode` the platform gave up on (`abandoned`), its placeholder file
 * still in a drop store: what `POST /v1/files/:id/retry` takes.
 */
export async function abandonedFileDrop(api: TestApi, memberCode: string): Promise<TFileDrop> {
  sampleSequence += 1;
  const store = mkdtempSync(path.join(os.tmpdir(), 'alliage-api-drops-'));
  stores.push(store);
  const storagePath = path.join(store, `drop-${sampleSequence}`);
  // Test-only placeholder bytes, unique per sample (the SHA-256 must not repeat an accepted drop's).
  const bytes = `test-only placeholder ${sampleSequence} ${Date.now()}`;
  writeFileSync(storagePath, bytes);
  const drop = await registerFileDrop(
    api.ctx,
    SYSTEM_ACTOR,
    {
      organisationCode: memberCode,
      fileName: `customers-abandoned-${sampleSequence}.csv.pgp`,
      source: 'sftp',
      sizeBytes: bytes.length,
      sha256: String(sampleSequence).padStart(64, 'a'),
      storagePath,
    },
    async () => {},
  );
  const report = toStorableDropReport(toAbandonedDropReport(drop, api.ctx.clock()));
  return completeFileDrop(api.ctx, SYSTEM_ACTOR, report);
}

/** Removes the sample drops' stores. */
export function removeSampleDropStores(): void {
  for (const store of stores.splice(0)) rmSync(store, { recursive: true, force: true });
}
