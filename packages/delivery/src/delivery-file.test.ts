import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encryptAndSign, generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import { createGpgHome, type GpgHome, hasGpg } from '@alliage/crypto/testing';
import { seededRandom } from '@alliage/domain/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignRowIds } from './assign-row-ids.ts';
import { deliveryFileName } from './delivery-file-name.ts';
import type { TDeliveryRow } from './delivery-row.ts';
import { formatDeliveryCsv } from './format-delivery-csv.ts';
import { generateSeedIdentities } from './generate-seed-identities.ts';
import { interleaveSeeds } from './interleave-seeds.ts';
import { writeOutboxFile } from './write-outbox-file.ts';

// The whole documented path of docs/delivery-file.md, read back the way a client does.
describe.skipIf(!hasGpg)('a delivery file, end to end', () => {
  let home: GpgHome;
  let outRoot: string;
  let platform: TPgpKeyPair;
  let clientFingerprint: string;

  beforeAll(async () => {
    home = createGpgHome();
    outRoot = mkdtempSync(path.join(tmpdir(), 'delivery-'));
    platform = await generatePgpKeyPair({ name: 'Test Only Platform', email: 'p@example.invalid' });
    home.run(['--import'], platform.armoredPublicKey);
    clientFingerprint = home.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      expire: '1y',
      encryptionSubkey: 'cv25519',
    });
  });
  afterAll(() => {
    home.close();
    rmSync(outRoot, { recursive: true, force: true });
  });

  it('decrypts and verifies with the documented gpg command, seeds hidden among the rows', async () => {
    const random = seededRandom(11);
    const deliveryId = '9b2f4c1a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
    const extracted: TDeliveryRow[] = Array.from({ length: 40 }, (_, index) => ({
      rowId: '',
      civility: index % 2 === 0 ? 'MME' : 'M',
      firstName: `Prénom${index}`,
      lastName: index === 7 ? '=CMD|calc' : `Nom${index}`,
      addressLines: [],
      postcode: null,
      city: null,
      email: `test-only-${index}@example.invalid`,
      phone: null,
    }));
    const seeds = generateSeedIdentities({ count: 3, deliveryId, random, channel: 'email' });
    const rows = assignRowIds(interleaveSeeds(extracted, seeds, random), random);
    const fileName = deliveryFileName({ deliveryId, createdAt: new Date('2026-03-05T10:00:00Z') });
    const delivery = await encryptAndSign({
      data: formatDeliveryCsv(rows, 'email'),
      recipientArmoredPublicKey: home.exportPublicKey(clientFingerprint),
      signingArmoredPrivateKey: platform.armoredPrivateKey,
      fileName: fileName.replace(/\.gpg$/, ''),
    });
    const written = await writeOutboxFile({
      directory: path.join(outRoot, 'out'),
      fileName,
      data: delivery.message,
    });

    const clearPath = path.join(outRoot, 'clear.csv');
    const statusPath = path.join(outRoot, 'status.txt');
    // The scripted command of the documentation, run by a shell as a client would.
    const script = `gpg --homedir "$GNUPGHOME" --batch --status-fd 3 --output "$CLEAR" --decrypt "$IN" 3>"$STATUS" && grep -q "^\\[GNUPG:\\] VALIDSIG $FPR " "$STATUS"`;
    const result = spawnSync('sh', ['-c', script], {
      env: {
        ...process.env,
        GNUPGHOME: home.dir,
        CLEAR: clearPath,
        IN: written.path,
        STATUS: statusPath,
        FPR: platform.fingerprint,
      },
    });
    expect(result.status, result.stderr.toString()).toBe(0);

    const table = parse(readFileSync(clearPath, 'utf8')) as string[][];
    expect(table[0]).toEqual(['row_id', 'civility', 'first_name', 'last_name', 'email']);
    expect(table).toHaveLength(44);
    const body = table.slice(1);
    expect(new Set(body.map((row) => row[0])).size).toBe(43);
    expect(body.find((row) => row[3]?.includes('CMD'))?.[3]).toBe("'=CMD|calc");
    const seedEmails = seeds.map((seed) => seed.email);
    const seedPositions = body.flatMap((row, index) =>
      seedEmails.includes(row[4]!) ? [index] : [],
    );
    expect(seedPositions).toHaveLength(3);
    expect(seedPositions).not.toEqual([40, 41, 42]);
  });
});
