// A member's opt-out list is written in batches as it decrypts, yet commits as one change:
// whatever fails before the end (the stream, the signature, too many bad lines) leaves
// the control plane as it was, and the drop can run again.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  type ControlContext,
  cliActor,
  createOrganisation,
  registerFileDrop,
  SYSTEM_ACTOR,
  type TFileDrop,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { ZDialectProfile } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOptoutDrop } from './import-optout-drop.ts';

const dialect = ZDialectProfile.parse({ encoding: 'utf-8', delimiter: ';' });
const BATCH_SIZE = 50;
const LINES = 8 * BATCH_SIZE;

/** The list as a decryptor hands it over, failing after `failAfter` lines when set. */
function optoutList(options: { failAfter?: number; badLines?: number } = {}): Readable {
  async function* lines() {
    yield Buffer.from('kind;value;scope\n');
    for (let index = 0; index < LINES; index++) {
      if (index === options.failAfter) throw new Error('decryption failed');
      const bad = index >= LINES - (options.badLines ?? 0);
      yield Buffer.from(bad ? `fax;${index};\n` : `email;optout.${index}@example.test;\n`);
    }
  }
  return Readable.from(lines());
}

describe.each(testControlDbKinds())('importOptoutDrop, atomic, on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let drop: TFileDrop;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => new Date() };
    await createOrganisation(ctx, cliActor('test'), {
      code: 'M01',
      name: 'Member M01',
      kind: 'member',
      sector: 'automobile',
    });
    drop = await registerFileDrop(
      ctx,
      SYSTEM_ACTOR,
      {
        organisationCode: 'M01',
        fileName: 'M01_optouts_20261203.csv.pgp',
        source: 'sftp',
        sizeBytes: 1,
        sha256: createHash('sha256').update('optouts').digest('hex'),
        storagePath: '/nonexistent/M01_optouts_20261203.csv.pgp',
      },
      async () => {},
    );
  });
  afterAll(async () => {
    await control?.close();
  });

  const run = (plaintext: Readable, verified: Promise<unknown> = Promise.resolve()) =>
    importOptoutDrop({
      ctx,
      drop,
      dialect,
      plaintext,
      verified,
      hmacSecret: 'test-only-hmac-secret-0123456789abcdef',
      maxRejectedRowRatio: 0.05,
      batchSize: BATCH_SIZE,
    });
  /** Everything an import may change: entries, the repoussoir version, the audit chain. */
  const snapshot = async () => ({
    entries: Number(
      (
        await ctx.db
          .selectFrom('repoussoir_entries')
          .select((eb) => eb.fn.countAll().as('count'))
          .executeTakeFirstOrThrow()
      ).count,
    ),
    version: Number(
      (await ctx.db.selectFrom('repoussoir_state').select('version').executeTakeFirstOrThrow())
        .version,
    ),
    events: (await ctx.db.selectFrom('audit_events').select('seq').execute()).length,
    // Batches wait in the staging table; an import that ended leaves none there.
    staged: (await ctx.db.selectFrom('repoussoir_import_staging').select('hmac').execute()).length,
  });

  it('adds nothing when the file fails halfway, after several batches went to the database', async () => {
    const before = await snapshot();
    await expect(run(optoutList({ failAfter: LINES / 2 }))).rejects.toThrow('decryption failed');
    expect(await snapshot()).toEqual(before);
  });

  it('adds nothing when the signature fails once the whole list is read', async () => {
    const before = await snapshot();
    await expect(
      run(optoutList(), Promise.reject(new Error('signature does not verify'))),
    ).rejects.toThrow('signature does not verify');
    expect(await snapshot()).toEqual(before);
  });

  it('adds nothing when too many lines are bad, the bad ones read last', async () => {
    const before = await snapshot();
    const result = await run(optoutList({ badLines: LINES / 10 }));
    expect(result).toMatchObject({
      outcome: 'rejected',
      reason: 'too_many_bad_rows',
      rows: { total: LINES, accepted: LINES - LINES / 10, rejected: LINES / 10 },
    });
    expect(await snapshot()).toEqual(before);
  });

  it('imports the whole list as one change when the drop runs again', async () => {
    const before = await snapshot();
    expect(await run(optoutList())).toMatchObject({
      outcome: 'imported',
      rows: { total: LINES, accepted: LINES, rejected: 0 },
      repoussoir: { added: LINES, alreadyPresent: 0 },
    });
    expect(await snapshot()).toEqual({
      entries: before.entries + LINES,
      version: before.version + 1,
      events: before.events + 1,
      staged: 0,
    });
    // Once committed, a run again reports what that import added, and adds nothing.
    expect(await run(optoutList())).toMatchObject({
      outcome: 'imported',
      repoussoir: { added: LINES, alreadyPresent: 0 },
    });
    expect((await snapshot()).entries).toBe(before.entries + LINES);
  });
});
