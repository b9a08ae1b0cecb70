import { generateKeyPairSync } from 'node:crypto';
import { generatePgpKeyPair } from '@alliage/crypto';
import { createGpgHome, type GpgHome, hasGpg } from '@alliage/crypto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOrganisationKey } from './add-organisation-key.ts';
import { type ControlContext, cliActor } from './control-context.ts';
import { createOrganisation } from './create-organisation.ts';
import { listOrganisationKeys } from './list-organisation-keys.ts';
import { revokeOrganisationKey } from './revoke-organisation-key.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

const actor = cliActor('test');
const NOW = new Date('2026-11-23T10:00:00.000Z');

// Test-only keys, generated at test time and never kept.
function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function sshMpint(base64url: string): Buffer {
  let bytes = Buffer.from(base64url, 'base64url');
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return sshString((bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** A test-only OpenSSH public key line, as in an `id_*.pub` file. */
function testSshPublicKey(type: 'ed25519' | 'rsa', modulusLength = 3072): string {
  if (type === 'ed25519') {
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const blob = Buffer.concat([
      sshString('ssh-ed25519'),
      sshString(Buffer.from(jwk.x!, 'base64url')),
    ]);
    return `ssh-ed25519 ${blob.toString('base64')} test-only@example.invalid\n`;
  }
  const jwk = generateKeyPairSync('rsa', { modulusLength }).publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString('ssh-rsa'), sshMpint(jwk.e!), sshMpint(jwk.n!)]);
  return `ssh-rsa ${blob.toString('base64')} test-only@example.invalid\n`;
}

describe.each(testControlDbKinds())('organisation keys on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => NOW };
    await createOrganisation(ctx, actor, {
      code: 'M01',
      name: 'Member',
      kind: 'member',
      sector: 'services',
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

  const auditEvents = () =>
    control.db
      .selectFrom('audit_events')
      .select(['action', 'object_type', 'object_id', 'organisation_code', 'details'])
      .orderBy('seq')
      .execute();

  it('adds an ed25519 SSH key, stores it normalised and records key.added', async () => {
    const before = await auditEvents();
    const text = testSshPublicKey('ed25519');
    const key = await addOrganisationKey(ctx, actor, {
      organisationCode: 'M01',
      keyType: 'ssh',
      publicKey: text,
    });
    const [type, base64] = text.trim().split(' ');
    expect(key).toEqual({
      id: expect.any(String),
      organisationCode: 'M01',
      keyType: 'ssh',
      fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/),
      algorithm: 'ssh-ed25519',
      bits: 256,
      publicKey: `${type} ${base64}`,
      expiresAt: null,
      createdAt: NOW,
      revokedAt: null,
    });
    const events = (await auditEvents()).slice(before.length);
    expect(events).toEqual([
      {
        action: 'key.added',
        object_type: 'organisation_key',
        object_id: key.id,
        organisation_code: 'M01',
        details: { keyType: 'ssh', fingerprint: key.fingerprint },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(base64);
  });

  it('adds an RSA-3072 SSH key and refuses the same key again with conflict', async () => {
    const text = testSshPublicKey('rsa', 3072);
    const key = await addOrganisationKey(ctx, actor, {
      organisationCode: 'C01',
      keyType: 'ssh',
      publicKey: text,
    });
    expect(key).toMatchObject({ algorithm: 'ssh-rsa', bits: 3072 });
    const before = await auditEvents();
    // Same key, other comment and line endings: same fingerprint.
    const again = `${text.trim().split(' ').slice(0, 2).join(' ')} other-comment\r\n`;
    await expect(
      addOrganisationKey(ctx, actor, { organisationCode: 'C01', keyType: 'ssh', publicKey: again }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: `ssh key ${key.fingerprint} is already registered for C01`,
    });
    expect(await auditEvents()).toHaveLength(before.length);
    // Another organisation may register the same key (one team serving two brands).
    await expect(
      addOrganisationKey(ctx, actor, { organisationCode: 'M01', keyType: 'ssh', publicKey: text }),
    ).resolves.toMatchObject({ fingerprint: key.fingerprint });
  });

  it.each([
    ['an RSA-1024 key', () => testSshPublicKey('rsa', 1024), /RSA-1024/],
    ['a malformed key', () => 'ssh-ed25519 AAAA!!not-base64 test-only', /malformed/],
    ['a truncated key', () => testSshPublicKey('ed25519').slice(0, 40), /malformed/],
    [
      'a private key',
      () => '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
      /private/,
    ],
  ])('refuses %s with validation_failed and records nothing', async (_label, makeKey, message) => {
    const before = await auditEvents();
    const keysBefore = await listOrganisationKeys(ctx, {
      organisationCode: 'M01',
      includeRevoked: true,
    });
    await expect(
      addOrganisationKey(ctx, actor, {
        organisationCode: 'M01',
        keyType: 'ssh',
        publicKey: makeKey(),
      }),
    ).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(message) });
    expect(await auditEvents()).toHaveLength(before.length);
    expect(
      await listOrganisationKeys(ctx, { organisationCode: 'M01', includeRevoked: true }),
    ).toHaveLength(keysBefore.length);
  });

  it('refuses bad input and unknown organisations', async () => {
    const publicKey = testSshPublicKey('ed25519');
    await expect(
      addOrganisationKey(ctx, actor, {
        organisationCode: 'M01',
        keyType: 'x509' as never,
        publicKey,
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      addOrganisationKey(ctx, actor, { organisationCode: 'M01', keyType: 'ssh', publicKey: '' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      addOrganisationKey(ctx, actor, { organisationCode: 'M99', keyType: 'ssh', publicKey }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  // PGP keys are dated by the real clock when generated; checked at an earlier
  // platform time they would not exist yet, so these tests use the real clock.
  const realCtx = (): ControlContext => ({ db: control.db, clock: () => new Date() });

  it('adds an ed25519 PGP key with its armour normalised', async () => {
    const liveCtx = realCtx();
    const pair = await generatePgpKeyPair({
      name: 'Test Only',
      email: 'test-only@example.invalid',
    });
    const key = await addOrganisationKey(liveCtx, actor, {
      organisationCode: 'M01',
      keyType: 'pgp',
      publicKey: `Test-only key, as pasted from a mail:\r\n\r\n${pair.armoredPublicKey.replace(/\n/g, '\r\n')}\r\n-- \r\nsignature\r\n`,
    });
    expect(key).toMatchObject({
      keyType: 'pgp',
      fingerprint: pair.fingerprint,
      algorithm: 'eddsa',
      bits: null,
      expiresAt: null,
      publicKey: `${pair.armoredPublicKey.trim()}\n`,
    });
    await expect(
      addOrganisationKey(liveCtx, actor, {
        organisationCode: 'M01',
        keyType: 'pgp',
        publicKey: pair.armoredPublicKey,
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      addOrganisationKey(liveCtx, actor, {
        organisationCode: 'M01',
        keyType: 'pgp',
        publicKey: pair.armoredPrivateKey,
      }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/private/),
    });
  });

  describe.runIf(hasGpg)('with GnuPG keys', () => {
    let gpg: GpgHome;
    beforeAll(() => {
      gpg = createGpgHome();
    });
    afterAll(() => gpg?.close());

    it('adds an RSA-3072 PGP key with its expiry and refuses RSA-1024', async () => {
      const liveCtx = realCtx();
      const strong = gpg.generateKey({
        algorithm: 'rsa3072',
        usage: 'sign',
        expire: '2y',
        encryptionSubkey: 'rsa3072',
      });
      const key = await addOrganisationKey(liveCtx, actor, {
        organisationCode: 'C01',
        keyType: 'pgp',
        publicKey: gpg.exportPublicKey(strong),
      });
      expect(key).toMatchObject({ fingerprint: strong, algorithm: 'rsa', bits: 3072 });
      const twoYears = 2 * 365 * 24 * 60 * 60 * 1000;
      expect(Math.abs(key.expiresAt!.getTime() - Date.now() - twoYears)).toBeLessThan(
        3 * 24 * 60 * 60 * 1000,
      );

      const weak = gpg.generateKey({
        algorithm: 'rsa1024',
        usage: 'sign',
        expire: '1y',
        encryptionSubkey: 'rsa1024',
      });
      await expect(
        addOrganisationKey(liveCtx, actor, {
          organisationCode: 'C01',
          keyType: 'pgp',
          publicKey: gpg.exportPublicKey(weak),
        }),
      ).rejects.toMatchObject({
        code: 'validation_failed',
        message: expect.stringMatching(/RSA-1024/),
      });
    });
  });

  it('lists keys by type, hides revoked ones unless asked, and revokes once', async () => {
    const sshKeys = await listOrganisationKeys(ctx, { organisationCode: 'M01', keyType: 'ssh' });
    expect(sshKeys.length).toBeGreaterThanOrEqual(2);
    expect(sshKeys.every((key) => key.keyType === 'ssh' && key.organisationCode === 'M01')).toBe(
      true,
    );
    const [first] = sshKeys;

    const before = await auditEvents();
    const revoked = await revokeOrganisationKey(ctx, actor, first!.id);
    expect(revoked).toEqual({ ...first, revokedAt: NOW });
    await expect(revokeOrganisationKey(ctx, actor, first!.id)).resolves.toEqual(revoked);
    expect((await auditEvents()).slice(before.length)).toEqual([
      {
        action: 'key.revoked',
        object_type: 'organisation_key',
        object_id: first!.id,
        organisation_code: 'M01',
        details: { keyType: 'ssh', fingerprint: first!.fingerprint },
      },
    ]);

    const active = await listOrganisationKeys(ctx, { organisationCode: 'M01', keyType: 'ssh' });
    expect(active.map((key) => key.id)).not.toContain(first!.id);
    const all = await listOrganisationKeys(ctx, {
      organisationCode: 'M01',
      keyType: 'ssh',
      includeRevoked: true,
    });
    expect(all.map((key) => key.id)).toContain(first!.id);
    // A revoked key stays registered: adding it again is still a conflict.
    await expect(
      addOrganisationKey(ctx, actor, {
        organisationCode: 'M01',
        keyType: 'ssh',
        publicKey: first!.publicKey,
      }),
    ).rejects.toMatchObject({ code: 'conflict' });

    await expect(revokeOrganisationKey(ctx, actor, 'nope')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      revokeOrganisationKey(ctx, actor, '00000000-0000-4000-8000-000000000000'),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(listOrganisationKeys(ctx, { organisationCode: 'M99' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
