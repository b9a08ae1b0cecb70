import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlContext } from './control-context.ts';
import { SYSTEM_ACTOR } from './control-context.ts';
import { createOrganisation } from './create-organisation.ts';
import { listPendingFileDrops } from './list-pending-file-drops.ts';
import {
  createTestControlDb,
  storeTestDrop,
  type TestControlDb,
  testControlDbKinds,
} from './testing/index.ts';

describe.each(testControlDbKinds())('listPendingFileDrops on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let dropStore: string;
  let tick = Date.parse('2026-12-07T08:00:00Z');
  beforeAll(async () => {
    control = await createTestControlDb(kind);
    // Each drop received a second after the previous one: "oldest first" is their order.
    ctx = {
      db: control.db,
      clock: () => {
        tick += 1000;
        return new Date(tick);
      },
    };
    dropStore = mkdtempSync(path.join(tmpdir(), 'alliage-pending-drops-'));
    for (const code of ['M01', 'M02']) {
      await createOrganisation(ctx, SYSTEM_ACTOR, {
        code,
        name: `Member ${code}`,
        kind: 'member',
        sector: 'automobile',
      });
    }
  });
  afterAll(async () => {
    rmSync(dropStore, { recursive: true, force: true });
    await control?.close();
  });

  it("narrows to one member's drops before the limit, so older drops of others cannot hide them", async () => {
    const older = [];
    for (let index = 0; index < 3; index++) {
      older.push(
        await storeTestDrop(ctx, { organisationCode: 'M02', dropStore, status: 'received' }),
      );
    }
    await storeTestDrop(ctx, { organisationCode: 'M01', dropStore, status: 'accepted' });
    const pending = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore,
      status: 'received',
    });
    expect((await listPendingFileDrops(ctx, 2)).map((drop) => drop.id)).toEqual(
      older.slice(0, 2).map((drop) => drop.id),
    );
    expect((await listPendingFileDrops(ctx, 2, 'M01')).map((drop) => drop.id)).toEqual([
      pending.id,
    ]);
  });
});
