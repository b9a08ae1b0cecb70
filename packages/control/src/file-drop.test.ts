import { AppError, type TDropReport } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimFileDrop } from './claim-file-drop.ts';
import { completeFileDrop } from './complete-file-drop.ts';
import { type ControlContext, cliActor, SYSTEM_ACTOR } from './control-context.ts';
import { createOrganisation } from './create-organisation.ts';
import { findAcceptedFileDrop } from './find-accepted-file-drop.ts';
import { getFileDrop } from './get-file-drop.ts';
import { listFileDrops } from './list-file-drops.ts';
import { listPendingFileDrops } from './list-pending-file-drops.ts';
import { getMemberDialect, setMemberDialect } from './member-dialect.ts';
import { registerFileDrop, type TFileDropInput } from './register-file-drop.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

const actor = cliActor('test');
const sha = (digit: string) => digit.repeat(64);

function dropInput(patch: Partial<TFileDropInput> = {}): TFileDropInput {
  return {
    organisationCode: 'M01',
    fileName: 'customers.csv.pgp',
    source: 'sftp',
    sizeBytes: 1234,
    sha256: sha('a'),
    storagePath: '/data/drops/M01/x',
    ...patch,
  };
}

function reportFor(
  id: string,
  status: TDropReport['status'],
  patch: Partial<TDropReport> = {},
): TDropReport {
  return {
    fileDropId: id,
    fileName: 'customers.csv.pgp',
    status,
    sha256: sha('a'),
    sizeBytes: 1234,
    receivedAt: '2026-11-23T10:00:00.000Z',
    finishedAt: '2026-11-23T10:00:05.000Z',
    signerFingerprint: 'ABCDEF',
    kind: 'customers',
    rows: { total: 10, accepted: 10, rejected: 0 },
    rejection: null,
    rowErrors: [],
    duplicateOf: null,
    pool: null,
    ...patch,
  };
}

describe.each(testControlDbKinds())('file drops on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => new Date('2026-11-23T10:00:00.000Z') };
    await createOrganisation(ctx, actor, {
      code: 'M01',
      name: 'Member',
      kind: 'member',
      sector: 'automobile',
    });
    await createOrganisation(ctx, actor, {
      code: 'C01',
      name: 'Client',
      kind: 'client',
      sector: 'energie',
    });
  });
  afterAll(async () => {
    await control?.close();
  });

  const actions = async () =>
    (await control.db.selectFrom('audit_events').select('action').orderBy('seq').execute()).map(
      (row) => row.action,
    );

  it('records a drop with file.received and its job in one transaction', async () => {
    const queued: string[] = [];
    const drop = await registerFileDrop(ctx, SYSTEM_ACTOR, dropInput(), async (created) => {
      queued.push(created.id);
    });
    expect(queued).toEqual([drop.id]);
    expect(drop).toMatchObject({
      organisationCode: 'M01',
      status: 'received',
      sizeBytes: 1234,
      attempts: 0,
    });
    expect((await actions()).at(-1)).toBe('file.received');
  });

  it('leaves neither row nor event when queueing fails', async () => {
    const before = (await listFileDrops(ctx)).length;
    const eventsBefore = (await actions()).length;
    await expect(
      registerFileDrop(ctx, SYSTEM_ACTOR, dropInput({ sha256: sha('b') }), async () => {
        throw new Error('redis down');
      }),
    ).rejects.toThrow('redis down');
    expect((await listFileDrops(ctx)).length).toBe(before);
    expect((await actions()).length).toBe(eventsBefore);
  });

  it('refuses drops from clients and unknown organisations', async () => {
    await expect(
      registerFileDrop(ctx, SYSTEM_ACTOR, dropInput({ organisationCode: 'C01' }), async () => {}),
    ).rejects.toThrow(AppError);
    await expect(
      registerFileDrop(ctx, SYSTEM_ACTOR, dropInput({ organisationCode: 'M99' }), async () => {}),
    ).rejects.toThrow(/not found/);
  });

  it('claims, completes, and refuses to complete twice', async () => {
    const drop = await registerFileDrop(
      ctx,
      SYSTEM_ACTOR,
      dropInput({ sha256: sha('c') }),
      async () => {},
    );
    expect((await listPendingFileDrops(ctx)).map((pending) => pending.id)).toContain(drop.id);
    const claimed = await claimFileDrop(ctx, drop.id);
    expect(claimed).toMatchObject({ status: 'processing', attempts: 1 });
    const done = await completeFileDrop(
      ctx,
      SYSTEM_ACTOR,
      reportFor(drop.id, 'accepted', { sha256: sha('c') }),
    );
    expect(done).toMatchObject({
      status: 'accepted',
      rowCount: 10,
      signerFingerprint: 'ABCDEF',
      kind: 'customers',
    });
    expect((await actions()).at(-1)).toBe('file.accepted');
    expect(await claimFileDrop(ctx, drop.id)).toBeNull();
    await expect(
      completeFileDrop(ctx, SYSTEM_ACTOR, reportFor(drop.id, 'rejected')),
    ).rejects.toThrow(/already finished/);
    expect((await findAcceptedFileDrop(ctx, drop.organisationId, sha('c')))?.id).toBe(drop.id);
    expect((await getFileDrop(ctx, drop.id)).report?.rows?.total).toBe(10);
  });

  it('never accepts the same content twice for a member', async () => {
    const first = await registerFileDrop(
      ctx,
      SYSTEM_ACTOR,
      dropInput({ sha256: sha('d') }),
      async () => {},
    );
    const second = await registerFileDrop(
      ctx,
      SYSTEM_ACTOR,
      dropInput({ sha256: sha('d') }),
      async () => {},
    );
    await completeFileDrop(
      ctx,
      SYSTEM_ACTOR,
      reportFor(first.id, 'accepted', { sha256: sha('d') }),
    );
    await expect(
      completeFileDrop(ctx, SYSTEM_ACTOR, reportFor(second.id, 'accepted', { sha256: sha('d') })),
    ).rejects.toThrow(/same SHA-256/);
    const duplicate = await completeFileDrop(
      ctx,
      SYSTEM_ACTOR,
      reportFor(second.id, 'duplicate', { sha256: sha('d'), duplicateOf: first.id, rows: null }),
    );
    expect(duplicate).toMatchObject({ status: 'duplicate', duplicateOf: first.id });
  });

  it('rolls back the outcome when the caller’s staged work fails', async () => {
    const drop = await registerFileDrop(
      ctx,
      SYSTEM_ACTOR,
      dropInput({ sha256: sha('e') }),
      async () => {},
    );
    await expect(
      completeFileDrop(ctx, SYSTEM_ACTOR, reportFor(drop.id, 'accepted', { sha256: sha('e') }), {
        withinTransaction: async () => {
          throw new Error('load failed');
        },
      }),
    ).rejects.toThrow('load failed');
    expect((await getFileDrop(ctx, drop.id)).status).toBe('received');
  });

  it('lists drops newest first per organisation and status', async () => {
    const all = await listFileDrops(ctx, { organisationCode: 'M01' });
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect((await listFileDrops(ctx, { status: 'duplicate' })).map((drop) => drop.status)).toEqual([
      'duplicate',
    ]);
    const firstPage = await listFileDrops(ctx, { limit: 2 });
    const nextPage = await listFileDrops(ctx, { limit: 2, before: firstPage[1]?.id });
    expect(nextPage.map((drop) => drop.id)).not.toContain(firstPage[0]?.id);
    await expect(getFileDrop(ctx, 'not-a-uuid')).rejects.toThrow(/not found/);
  });

  it('stores a dialect profile per member, defaulting to canonical CSV', async () => {
    expect((await getMemberDialect(ctx, 'M01')).delimiter).toBe(',');
    await setMemberDialect(ctx, actor, 'M01', {
      encoding: 'windows-1252',
      delimiter: ';',
      decimalSeparator: ',',
      dateFormat: 'DD/MM/YYYY',
      headers: { customers: { NOM: 'last_name' } },
    });
    expect(await getMemberDialect(ctx, 'M01')).toMatchObject({
      encoding: 'windows-1252',
      delimiter: ';',
    });
    expect((await actions()).at(-1)).toBe('dialect.changed');
    await expect(
      setMemberDialect(ctx, actor, 'M01', { delimiter: ',', decimalSeparator: ',' }),
    ).rejects.toThrow(/decimalSeparator/);
    await expect(getMemberDialect(ctx, 'C01')).rejects.toThrow(/not found/);
  });
});
