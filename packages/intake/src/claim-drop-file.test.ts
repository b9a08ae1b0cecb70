// Claiming a drop's file when the SFTP tree and the drop store are on two file systems
// (a volume mounted for sftp/): a rename cannot cross them (EXDEV). Real file systems:
// the inbox on /dev/shm (its own tmpfs), the store in the OS temp directory; skipped
// where the two are one device. Real control plane (PGlite, and PostgreSQL when
// DATABASE_URL is set).
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  type ControlContext,
  createOrganisation,
  getFileDrop,
  registerFileDrop,
  SYSTEM_ACTOR,
  type TFileDrop,
} from '@alliage/control';
import { createTestControlDb, testControlDbKinds } from '@alliage/control/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDropFile } from './claim-drop-file.ts';

const SHM = '/dev/shm';
const twoFileSystems = existsSync(SHM) && statSync(SHM).dev !== statSync(os.tmpdir()).dev;

describe.skipIf(!twoFileSystems).each(testControlDbKinds())(
  'claimDropFile across file systems (%s)',
  (kind) => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /** A drop of M01 whose encrypted file (test-only placeholder bytes) waits in an inbox on /dev/shm. */
    async function setUp() {
      const control = await createTestControlDb(kind);
      cleanups.push(() => control.close());
      const ctx: ControlContext = { db: control.db, clock: () => new Date() };
      await createOrganisation(ctx, SYSTEM_ACTOR, {
        code: 'M01',
        name: 'Member M01',
        kind: 'member',
        sector: 'automobile',
      });
      const inbox = await mkdtemp(path.join(SHM, 'alliage-claim-inbox-'));
      const dropStore = await mkdtemp(path.join(os.tmpdir(), 'alliage-claim-store-'));
      cleanups.push(async () => {
        await rm(inbox, { recursive: true, force: true });
        await rm(dropStore, { recursive: true, force: true });
      });
      const bytes = Buffer.from(`test-only placeholder of an encrypted drop ${randomUUID()}`);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const inboxPath = path.join(inbox, 'M01_customers_20261206.csv.gpg');
      writeFileSync(inboxPath, bytes);
      const drop = await registerFileDrop(
        ctx,
        SYSTEM_ACTOR,
        {
          organisationCode: 'M01',
          fileName: path.basename(inboxPath),
          source: 'sftp',
          sizeBytes: bytes.length,
          sha256,
          storagePath: inboxPath,
        },
        async () => {},
      );
      return { ctx, dropStore, drop, bytes, inboxPath };
    }

    it('copies, syncs and renames the file into the store, then frees the inbox name', async () => {
      const { ctx, dropStore, drop, bytes, inboxPath } = await setUp();
      const stored = await claimDropFile(ctx, dropStore, drop);
      expect(stored).toBe(path.join(dropStore, 'M01', drop.id));
      expect(readFileSync(stored)).toEqual(bytes);
      expect(existsSync(inboxPath)).toBe(false);
      expect(existsSync(`${stored}.partial`)).toBe(false);
      expect((await getFileDrop(ctx, drop.id)).storagePath).toBe(stored);
      // The next attempt reads it where it now is.
      expect(await claimDropFile(ctx, dropStore, { ...drop, attempts: 2 })).toBe(stored);
    });

    it('finishes the move of an attempt that died after removing the inbox file', async () => {
      const { ctx, dropStore, drop, bytes, inboxPath } = await setUp();
      const stored = path.join(dropStore, 'M01', drop.id);
      mkdirSync(path.dirname(stored), { recursive: true });
      writeFileSync(`${stored}.partial`, bytes);
      await rm(inboxPath);
      const retry: TFileDrop = { ...drop, attempts: 2 };
      expect(await claimDropFile(ctx, dropStore, retry)).toBe(stored);
      expect(readFileSync(stored)).toEqual(bytes);
      expect(existsSync(`${stored}.partial`)).toBe(false);
    });

    it('copies again over a partial copy an attempt left while the inbox file was still there', async () => {
      const { ctx, dropStore, drop, bytes, inboxPath } = await setUp();
      const stored = path.join(dropStore, 'M01', drop.id);
      mkdirSync(path.dirname(stored), { recursive: true });
      writeFileSync(`${stored}.partial`, bytes.subarray(0, 10));
      expect(await claimDropFile(ctx, dropStore, { ...drop, attempts: 2 })).toBe(stored);
      expect(readFileSync(stored)).toEqual(bytes);
      expect(existsSync(inboxPath)).toBe(false);
    });
  },
);
