import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@alliage/config';
import { addRepoussoirEntry, cliActor, getRepoussoirStats } from '@alliage/control';
import { hmacSha256Hex } from '@alliage/crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type OpenedPlatform, openPlatform } from './open-platform.ts';

const actor = cliActor('test');
// The clock stands still: a hold written at T0 never counts as abandoned by its age.
const T0 = new Date('2026-12-07T09:00:00Z');
const hmac = (value: string) => hmacSha256Hex('test-only-hmac-secret', value);

describe('openPlatform (embedded)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'alliage-open-platform-'));
  const config = loadConfig({ ALLIAGE_DATA_DIR: path.join(dataDir, 'platform') });
  let platform: OpenedPlatform | undefined;
  afterAll(async () => {
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('discards a repoussoir import the previous process left mid-move, so changes need not wait', async () => {
    platform = await openPlatform(config, { kind: 'cli', clock: () => T0 });
    const { db } = platform.control;
    await addRepoussoirEntry(platform.ctx, actor, {
      kind: 'email',
      hmac: hmac('kept@example.test'),
      scope: 'all',
      source: 'subject_request',
      sourceReference: 'DSAR-1',
    });
    const before = await getRepoussoirStats(platform.ctx);
    // The process crashed while moving a list in: it held the repoussoir (its last chunk
    // just now), one row pending under the version it would have taken, one still staged.
    const importId = randomUUID();
    const { version } = await db
      .selectFrom('repoussoir_state')
      .select('version')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('repoussoir_imports')
      .values({ id: importId, started_at: T0, staged_at: T0 })
      .execute();
    await db
      .insertInto('repoussoir_import_staging')
      .values({
        import_id: importId,
        kind: 'email',
        hmac: hmac('staged@example.test'),
        scope: 'all',
      })
      .execute();
    await db
      .updateTable('repoussoir_state')
      .set({ applying_import_id: importId, applying_at: T0 })
      .execute();
    await db
      .insertInto('repoussoir_entries')
      .values({
        kind: 'email',
        hmac: hmac('pending@example.test'),
        scope: 'all',
        source: 'national_list',
        source_reference: 'Bloctel 2026-12',
        created_at: T0,
        created_by: actor.ref,
        change_version: Number(version) + 1,
      })
      .execute();
    await platform.close();

    platform = await openPlatform(config, { kind: 'cli', clock: () => T0 });
    const reopened = platform.control.db;
    expect(
      await reopened
        .selectFrom('repoussoir_state')
        .select(['version', 'applying_import_id', 'applying_at'])
        .executeTakeFirstOrThrow(),
    ).toEqual({ version, applying_import_id: null, applying_at: null });
    expect(await reopened.selectFrom('repoussoir_imports').select('id').execute()).toEqual([]);
    expect(await reopened.selectFrom('repoussoir_import_staging').select('hmac').execute()).toEqual(
      [],
    );
    const rows = await reopened.selectFrom('repoussoir_entries').select('hmac').execute();
    expect(rows.map((row) => row.hmac)).toEqual([hmac('kept@example.test')]);
    // The next change runs at once and never puts the crashed import's row in force.
    await addRepoussoirEntry(platform.ctx, actor, {
      kind: 'phone',
      hmac: hmac('+33612345678'),
      scope: 'sms',
      source: 'subject_request',
      sourceReference: 'DSAR-2',
    });
    expect((await getRepoussoirStats(platform.ctx)).active).toBe(before.active + 1);
  });
});
