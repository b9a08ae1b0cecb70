import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addOrganisationKey,
  type ControlContext,
  cliActor,
  createOrganisation,
  registerFileDrop,
  SYSTEM_ACTOR,
} from '@alliage/control';
import { createTestControlDb, type TestControlDb } from '@alliage/control/testing';
import { generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import {
  buildNestedCompressionBomb,
  createGpgHome,
  type GpgHome,
  hasGpg,
} from '@alliage/crypto/testing';
import { exportMemberData } from '@alliage/warehouse';
import { createTestWarehouse } from '@alliage/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IntakeDeps, processFileDrop } from './process-file-drop.ts';

const HEADER = 'customer_id,transaction_id,date,amount_eur,category,channel';

describe.skipIf(!hasGpg)(
  'processFileDrop rejections: wrong recipient, compression bomb, audit',
  () => {
    let control: TestControlDb;
    let ctx: ControlContext;
    let gpg: GpgHome;
    let platform: TPgpKeyPair;
    let other: TPgpKeyPair;
    let memberFingerprint: string;
    let root: string;
    let deps: IntakeDeps;
    let pool: Awaited<ReturnType<typeof createTestWarehouse>>;

    beforeAll(async () => {
      control = await createTestControlDb('pglite');
      ctx = { db: control.db, clock: () => new Date() };
      root = mkdtempSync(path.join(os.tmpdir(), 'alliage-intake-rej-'));
      gpg = createGpgHome();
      platform = await generatePgpKeyPair({
        name: 'Platform (test only)',
        email: 'platform@example.invalid',
      });
      other = await generatePgpKeyPair({
        name: 'Someone else (test only)',
        email: 'other@example.invalid',
      });
      gpg.run(['--import'], platform.armoredPublicKey);
      gpg.run(['--import'], other.armoredPublicKey);
      memberFingerprint = gpg.generateKey({
        algorithm: 'ed25519',
        usage: 'sign',
        encryptionSubkey: 'cv25519',
      });
      await createOrganisation(ctx, cliActor('test'), {
        code: 'M01',
        name: 'Member',
        kind: 'member',
        sector: 'automobile',
      });
      await addOrganisationKey(ctx, cliActor('test'), {
        organisationCode: 'M01',
        keyType: 'pgp',
        publicKey: gpg.exportPublicKey(memberFingerprint),
      });
      pool = await createTestWarehouse();
      deps = {
        ctx,
        decryptionKeys: [{ armoredPrivateKey: platform.armoredPrivateKey }],
        sftpRoot: path.join(root, 'sftp'),
        dropStore: path.join(root, 'drops'),
        maxPlaintextBytes: 4 * 1024 * 1024,
        maxRejectedRowRatio: 0.05,
        warehouse: pool.warehouse,
        hmacSecret: 'test-only-hmac-secret-0123456789abcdef',
      };
    });
    afterAll(async () => {
      await pool?.cleanup();
      gpg?.close();
      rmSync(root, { recursive: true, force: true });
      await control?.close();
    });

    async function dropBytes(fileName: string, bytes: Uint8Array) {
      const inbox = path.join(root, 'sftp', 'M01', 'in');
      mkdirSync(inbox, { recursive: true });
      const target = path.join(inbox, fileName);
      writeFileSync(target, bytes);
      return registerFileDrop(
        ctx,
        SYSTEM_ACTOR,
        {
          organisationCode: 'M01',
          fileName,
          source: 'sftp',
          sizeBytes: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          storagePath: target,
        },
        async () => {},
      );
    }

    /** Encrypted to `recipient` and signed by the member, as gpg makes it. */
    const encryptAndSign = (recipient: string, clear: string) =>
      gpg.run(
        [
          '--trust-model',
          'always',
          '--encrypt',
          '--sign',
          '-r',
          recipient,
          '-u',
          memberFingerprint,
          '--output',
          '-',
        ],
        clear,
      );

    const lastEvent = async () =>
      control.db
        .selectFrom('audit_events')
        .selectAll()
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();

    it('rejects a file encrypted to another key as wrong_recipient, with a file.rejected event', async () => {
      const encrypted = encryptAndSign(
        other.fingerprint,
        `${HEADER}\nC1,T1,2026-01-01,1.00,x,web\n`,
      );
      const drop = await dropBytes('transactions_other.csv.pgp', encrypted);
      const finished = await processFileDrop(deps, drop.id);
      expect(finished).toMatchObject({
        status: 'rejected',
        rejectionReason: 'wrong_recipient',
        rowCount: null,
      });
      expect(await lastEvent()).toMatchObject({
        action: 'file.rejected',
        object_id: drop.id,
        organisation_code: 'M01',
        details: expect.objectContaining({ rejectionReason: 'wrong_recipient' }),
      });
      const report = JSON.parse(
        readFileSync(
          path.join(root, 'sftp', 'M01', 'reports', 'transactions_other.csv.pgp.report.json'),
          'utf8',
        ),
      );
      expect(report.rejection.reason).toBe('wrong_recipient');
    });

    it('says a file holding two joined messages holds more than one, loading neither', async () => {
      // `cat a.gpg b.gpg`, each encrypted to the platform and signed by the member.
      const many = Array.from(
        { length: 2000 },
        (_, index) => `C${index},T${index},2026-01-01,1.00,x,web`,
      );
      for (const [fileName, first] of [
        ['transactions_joined.csv.pgp', `${HEADER}\nC1,T1,2026-01-01,1.00,x,web\n`],
        ['transactions_joined_big.csv.pgp', `${HEADER}\n${many.join('\n')}\n`],
      ] as const) {
        const joined = Buffer.concat([
          encryptAndSign(platform.fingerprint, first),
          encryptAndSign(platform.fingerprint, `${HEADER}\nC2,T2,2026-01-02,2.00,y,web\n`),
        ]);
        const drop = await dropBytes(fileName, joined);
        const finished = await processFileDrop(deps, drop.id);
        expect(finished, fileName).toMatchObject({
          status: 'rejected',
          rejectionReason: 'malformed',
          rowCount: null,
        });
        expect(finished?.report?.rejection?.detail, fileName).toContain(
          'the file holds more than one OpenPGP message',
        );
      }
      expect((await exportMemberData(pool.warehouse, 'M01')).transactions).toBe(0);
    });

    it('rejects a nested-compression bomb as too_large without expanding it', async () => {
      const bomb = await buildNestedCompressionBomb({
        armoredPublicKey: platform.armoredPublicKey,
        expandedBytes: 2 * 1024 ** 3,
      });
      const drop = await dropBytes('transactions_bomb.csv.pgp', bomb);
      const before = process.memoryUsage().rss;
      const finished = await processFileDrop(deps, drop.id);
      expect(finished).toMatchObject({ status: 'rejected', rejectionReason: 'too_large' });
      // Sanity bound only (not a timing or tight memory assertion): 2 GiB were never held.
      expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
    });
  },
);
