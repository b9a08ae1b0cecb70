import { AppError, isPullSourceDue, type TPullSourceInput } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPullSourceRun } from './claim-pull-source-run.ts';
import { type ControlContext, cliActor, SYSTEM_ACTOR } from './control-context.ts';
import { createOrganisation } from './create-organisation.ts';
import { getPullSource } from './get-pull-source.ts';
import { hasPulledFile } from './has-pulled-file.ts';
import { listDuePullSources } from './list-due-pull-sources.ts';
import { listFileDrops } from './list-file-drops.ts';
import { recordPulledFile } from './record-pulled-file.ts';
import { registerFileDrop } from './register-file-drop.ts';
import { setPullSource } from './set-pull-source.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';
import { updateOrganisation } from './update-organisation.ts';

const actor = cliActor('test');
const FINGERPRINT = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
const T0 = new Date('2026-11-23T10:00:00.000Z');
const minutes = (count: number) => new Date(T0.getTime() + count * 60_000);

function sourceInput(patch: Partial<TPullSourceInput> = {}): TPullSourceInput {
  return {
    host: 'mft.example.invalid',
    port: 2022,
    username: 'alliage-pull',
    remoteDir: '/out',
    hostKeySha256: FINGERPRINT,
    intervalMinutes: 60,
    ...patch,
  };
}

describe.each(testControlDbKinds())('pull sources on %s', (kind) => {
  let control: TestControlDb;
  let now = T0;
  let ctx: ControlContext;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    for (const code of ['M01', 'M02', 'M03', 'M04']) {
      await createOrganisation(ctx, actor, {
        code,
        name: `Member ${code}`,
        kind: 'member',
        sector: 'automobile',
      });
    }
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

  const latestEvent = async () =>
    control.db
      .selectFrom('audit_events')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();

  it('has no source until one is set, then records pull_source.changed without the login', async () => {
    expect(await getPullSource(ctx, 'M01')).toBeNull();
    const source = await setPullSource(ctx, actor, 'M01', sourceInput());
    expect(source).toMatchObject({
      organisationCode: 'M01',
      host: 'mft.example.invalid',
      port: 2022,
      username: 'alliage-pull',
      remoteDir: '/out',
      hostKeySha256: FINGERPRINT,
      intervalMinutes: 60,
      enabled: true,
      lastRunAt: null,
      updatedBy: 'cli:test',
    });
    expect(await getPullSource(ctx, 'M01')).toEqual(source);
    const event = await latestEvent();
    expect(event).toMatchObject({
      action: 'pull_source.changed',
      object_type: 'pull_source',
      object_id: 'M01',
      organisation_code: 'M01',
    });
    expect(JSON.stringify(event.details)).not.toContain('alliage-pull');
  });

  it('replaces a source and restarts its schedule', async () => {
    expect(await claimPullSourceRun(ctx, 'M01', T0)).toBe(true);
    expect((await getPullSource(ctx, 'M01'))?.lastRunAt).toEqual(T0);
    const replaced = await setPullSource(
      ctx,
      actor,
      'M01',
      sourceInput({ port: 22, intervalMinutes: null }),
    );
    expect(replaced).toMatchObject({ port: 22, intervalMinutes: null, lastRunAt: null });
    await setPullSource(ctx, actor, 'M01', sourceInput());
  });

  it('refuses clients, unknown members and bad input', async () => {
    await expect(setPullSource(ctx, actor, 'C01', sourceInput())).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(getPullSource(ctx, 'M99')).rejects.toMatchObject({ code: 'not_found' });
    const invalid = await setPullSource(
      ctx,
      actor,
      'M02',
      sourceInput({ hostKeySha256: 'MD5:00:11' }),
    ).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(AppError);
    expect(invalid).toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'hostKeySha256' }],
    });
    expect(await getPullSource(ctx, 'M02')).toBeNull();
  });

  it('lists due sources as isPullSourceDue decides, and skips inactive members', async () => {
    await setPullSource(ctx, actor, 'M02', sourceInput({ intervalMinutes: 15 }));
    await setPullSource(ctx, actor, 'M03', sourceInput({ intervalMinutes: null }));
    await setPullSource(ctx, actor, 'M04', sourceInput({ intervalMinutes: 5, enabled: false }));
    const dueCodes = async (at: Date) =>
      (await listDuePullSources(ctx, at)).map((source) => source.organisationCode);

    // Never run: due at once (M01 hourly, M02 every 15 minutes).
    expect(await dueCodes(T0)).toEqual(['M01', 'M02']);
    expect(await claimPullSourceRun(ctx, 'M01', T0)).toBe(true);
    expect(await claimPullSourceRun(ctx, 'M02', T0)).toBe(true);

    for (const offset of [1, 14, 15, 59, 60, 61]) {
      const at = minutes(offset);
      const expected: string[] = [];
      for (const code of ['M01', 'M02', 'M03', 'M04']) {
        const source = await getPullSource(ctx, code);
        if (source && isPullSourceDue(source, at)) expected.push(code);
      }
      expect(await dueCodes(at), `at +${offset} min`).toEqual(expected);
    }
    expect(await dueCodes(minutes(15))).toEqual(['M02']);
    expect(await dueCodes(minutes(60))).toEqual(['M01', 'M02']);

    await updateOrganisation(ctx, actor, 'M02', { status: 'suspended' });
    expect(await dueCodes(minutes(60))).toEqual(['M01']);
    await updateOrganisation(ctx, actor, 'M02', { status: 'active' });
  });

  it('lets exactly one of several concurrent claimants run a due source', async () => {
    const at = minutes(200);
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => claimPullSourceRun(ctx, 'M01', at)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimPullSourceRun(ctx, 'M03', at)).toBe(false);
    expect(await claimPullSourceRun(ctx, 'M04', at)).toBe(false);
  });

  it('records a pulled file with its drop, once per remote identity', async () => {
    now = minutes(300);
    const remote = {
      remotePath: '/out/M01_customers_1.csv.pgp',
      remoteSize: 2048,
      remoteMtime: new Date('2026-11-20T08:00:00.000Z'),
    };
    const member = await getPullSource(ctx, 'M01');
    const identity = { organisationId: member?.organisationId ?? '', ...remote };
    expect(await hasPulledFile(ctx, identity)).toBe(false);

    const register = (sha: string) =>
      registerFileDrop(
        ctx,
        SYSTEM_ACTOR,
        {
          organisationCode: 'M01',
          fileName: 'M01_customers_1.csv.pgp',
          source: 'pull',
          sizeBytes: 2048,
          sha256: sha.repeat(64),
          storagePath: '/data/sftp/M01/in/M01_customers_1.csv.pgp',
        },
        (drop, trx) => recordPulledFile(trx, ctx.clock, SYSTEM_ACTOR, drop, remote),
      );
    const drop = await register('a');
    expect(drop.source).toBe('pull');
    expect(await hasPulledFile(ctx, identity)).toBe(true);
    const row = await control.db
      .selectFrom('pulled_files')
      .selectAll()
      .where('file_drop_id', '=', drop.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ remote_size: 2048, pulled_at: now });
    const event = await latestEvent();
    expect(event).toMatchObject({
      action: 'file.pulled',
      object_type: 'file_drop',
      object_id: drop.id,
      organisation_code: 'M01',
      details: { sizeBytes: 2048 },
    });

    // A second record of the same file (a concurrent pull) rolls its drop back.
    const dropsBefore = (await listFileDrops(ctx, { organisationCode: 'M01' })).length;
    await expect(register('b')).rejects.toMatchObject({ code: 'conflict' });
    expect((await listFileDrops(ctx, { organisationCode: 'M01' })).length).toBe(dropsBefore);

    // The member replaced the file: a new identity.
    const replaced = { ...identity, remoteMtime: new Date('2026-11-21T08:00:00.000Z') };
    expect(await hasPulledFile(ctx, replaced)).toBe(false);
    expect(await hasPulledFile(ctx, { ...identity, remoteSize: 2049 })).toBe(false);
  });
});
