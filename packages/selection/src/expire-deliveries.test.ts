import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type ControlContext,
  createOrganisation,
  getDelivery,
  type TActor,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  writeTestDelivery,
} from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDeliveries } from './expire-deliveries.ts';

describe('expireDeliveries', () => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let sftpRoot: string;
  let now = new Date('2027-03-01T10:00:00Z');
  const operator: TActor = {
    ref: 'principal:operator-test',
    principalId: null,
    role: 'operator',
    organisationId: null,
    organisationCode: null,
  };
  /** A written delivery of C01 whose (placeholder) file sits in its out/, expiring at `expiresAt`. */
  const writtenDelivery = (index: number, expiresAt: Date) =>
    writeTestDelivery(ctx, {
      clientOrgCode: 'C01',
      operator,
      expiresAt,
      name: `Expiry test ${index}`,
      writeFile: async () => {
        const fileName = `C01_expiry_${index}.csv.gpg`;
        writeFileSync(path.join(sftpRoot, 'C01', 'out', fileName), 'test-only placeholder');
        return { fileName, sizeBytes: 21, sha256: 'c'.repeat(64) };
      },
    });

  beforeAll(async () => {
    control = await createTestControlDb('pglite');
    ctx = { db: control.db, clock: () => now };
    sftpRoot = mkdtempSync(path.join(os.tmpdir(), 'alliage-expiry-'));
    mkdirSync(path.join(sftpRoot, 'C01', 'out'), { recursive: true });
    await createOrganisation(ctx, operator, {
      code: 'C01',
      name: 'Client',
      kind: 'client',
      sector: 'energie',
    });
  });
  afterAll(async () => {
    await control?.close();
    if (sftpRoot) rmSync(sftpRoot, { recursive: true, force: true });
  });

  it('expires the others when one file cannot be deleted, then fails for a retry', async () => {
    // The stuck one expires first: it heads the list.
    const stuck = await writtenDelivery(1, new Date('2027-03-09T10:00:00Z'));
    const other = await writtenDelivery(2, new Date('2027-03-10T10:00:00Z'));
    // Not deletable as a file: a directory in its place (a restore gone wrong).
    const stuckPath = path.join(sftpRoot, 'C01', 'out', stuck.fileName as string);
    rmSync(stuckPath);
    mkdirSync(stuckPath);
    writeFileSync(path.join(stuckPath, 'inside'), 'test-only');
    now = new Date('2027-03-11T10:00:00Z');
    await expect(expireDeliveries({ ctx, sftpRoot })).rejects.toMatchObject({
      code: 'unavailable',
      retry: true,
    });
    expect((await getDelivery(ctx, other.id)).status).toBe('expired');
    expect((await getDelivery(ctx, stuck.id)).status).toBe('written');
    // Once the file system is mended, the next pass expires it.
    rmSync(stuckPath, { recursive: true });
    expect(await expireDeliveries({ ctx, sftpRoot })).toBe(1);
    expect((await getDelivery(ctx, stuck.id)).status).toBe('expired');
  });
});
