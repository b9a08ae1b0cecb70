import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlContext } from './control-context.ts';
import { SYSTEM_ACTOR } from './control-context.ts';
import { createOrganisation } from './create-organisation.ts';
import { listFileDropsByIds } from './list-file-drops-by-ids.ts';
import {
  createTestControlDb,
  storeTestDrop,
  type TestControlDb,
  testControlDbKinds,
} from './testing/index.ts';

describe.each(testControlDbKinds())('listFileDropsByIds on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let dropStore: string;
  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => new Date() };
    dropStore = mkdtempSync(path.join(tmpdir(), 'alliage-drops-by-id-'));
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code: 'M01',
      name: 'Member M01',
      kind: 'member',
      sector: 'automobile',
    });
  });
  afterAll(async () => {
    rmSync(dropStore, { recursive: true, force: true });
    await control?.close();
  });

  it('finds the drops among many IDs, and leaves out unknown IDs and names that are no UUID', async () => {
    const first = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore,
      status: 'accepted',
    });
    const second = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore,
      status: 'received',
    });
    // More than one query's worth of IDs, the two real ones at both ends.
    const ids = [
      first.id,
      ...Array.from({ length: 1200 }, () => randomUUID()),
      'notes.txt',
      "x'; DROP TABLE file_drops; --",
      second.id,
    ];
    const found = await listFileDropsByIds(ctx, ids);
    expect(found.map((drop) => [drop.id, drop.status]).sort()).toEqual(
      [
        [first.id, 'accepted'],
        [second.id, 'received'],
      ].sort(),
    );
    expect(await listFileDropsByIds(ctx, [])).toEqual([]);
  });
});
