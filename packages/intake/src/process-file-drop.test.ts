import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addOrganisationKey,
  type ControlContext,
  claimFileDrop,
  cliActor,
  createOrganisation,
  getFileDrop,
  listAuditEvents,
  registerFileDrop,
  SYSTEM_ACTOR,
  setMemberDialect,
  updateOrganisation,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import { createGpgHome, type GpgHome, hasGpg } from '@alliage/crypto/testing';
import { CUSTOMER_COLUMNS } from '@alliage/domain';
import { exportMemberData } from '@alliage/warehouse';
import { createTestWarehouse } from '@alliage/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDropFile } from './claim-drop-file.ts';
import { type IntakeDeps, processFileDrop } from './process-file-drop.ts';
import { registerGpgDrop } from './testing/register-gpg-drop.ts';

const actor = cliActor('test');
const HEADER = 'customer_id,transaction_id,date,amount_eur,category,channel';
// Synthetic rows only; CANARY must never reach a report.
const CANARY = 'CANARY-ZOE-LAGRANGE';
const rows = (count: number) =>
  Array.from(
    { length: count },
    (_, index) => `C${index},T${index},2026-01-0${(index % 9) + 1},12.50,${CANARY},web`,
  ).join('\n');

describe.skipIf(!hasGpg).each(testControlDbKinds())(
  'processFileDrop with GnuPG-made files on %s',
  (kind) => {
    let control: TestControlDb;
    let ctx: ControlContext;
    let gpg: GpgHome;
    let platform: TPgpKeyPair;
    let memberFingerprint: string;
    let strangerFingerprint: string;
    let root: string;
    let deps: IntakeDeps;
    let pool: Awaited<ReturnType<typeof createTestWarehouse>>;

    beforeAll(async () => {
      control = await createTestControlDb(kind);
      // Real time: gpg stamps its keys with the machine clock.
      ctx = { db: control.db, clock: () => new Date() };
      root = mkdtempSync(path.join(os.tmpdir(), 'alliage-intake-'));
      gpg = createGpgHome();
      platform = await generatePgpKeyPair({
        name: 'Platform (test only)',
        email: 'platform@example.invalid',
      });
      gpg.run(['--import'], platform.armoredPublicKey);
      memberFingerprint = gpg.generateKey({
        algorithm: 'ed25519',
        usage: 'sign',
        encryptionSubkey: 'cv25519',
      });
      strangerFingerprint = gpg.generateKey({ algorithm: 'ed25519', usage: 'sign' });
      for (const code of ['M01', 'M02', 'M03']) {
        await createOrganisation(ctx, actor, {
          code,
          name: `Member ${code}`,
          kind: 'member',
          sector: 'automobile',
        });
        await addOrganisationKey(ctx, actor, {
          organisationCode: code,
          keyType: 'pgp',
          publicKey: gpg.exportPublicKey(memberFingerprint),
        });
      }
      pool = await createTestWarehouse();
      deps = {
        ctx,
        decryptionKeys: [{ armoredPrivateKey: platform.armoredPrivateKey }],
        sftpRoot: path.join(root, 'sftp'),
        dropStore: path.join(root, 'drops'),
        maxPlaintextBytes: 10 * 1024 * 1024,
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

    /** Encrypts `clear` with gpg as a member would, drops it in `in/` and registers it. */
    const drop = (
      fileName: string,
      clear: string | Buffer,
      options: { signer?: string | null; armour?: boolean; member?: string } = {},
    ) =>
      registerGpgDrop({
        ctx,
        gpg,
        sftpRoot: path.join(root, 'sftp'),
        member: options.member ?? 'M01',
        fileName,
        clear,
        recipient: platform.fingerprint,
        signer: options.signer === undefined ? memberFingerprint : options.signer,
        armour: options.armour,
      });

    const readReport = (member: string, fileName: string) =>
      readFileSync(path.join(root, 'sftp', member, 'reports', `${fileName}.report.json`), 'utf8');

    /** Encrypted and signed bytes as a member would send them, not registered. */
    const encrypt = (clear: string) =>
      gpg.run(
        [
          '--trust-model',
          'always',
          '--encrypt',
          '-r',
          platform.fingerprint,
          '--sign',
          '-u',
          memberFingerprint,
          '--output',
          '-',
        ],
        clear,
      );
    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

    it('accepts a signed file, reports counts, archives the encrypted file', async () => {
      const { registered, target } = await drop(
        'M01_transactions_1.csv.gpg',
        `${HEADER}\n${rows(50)}\n`,
      );
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({
        status: 'accepted',
        rowCount: 50,
        rejectedRowCount: 0,
        kind: 'transactions',
      });
      expect(finished?.signerFingerprint).toBe(memberFingerprint);
      expect(existsSync(target)).toBe(false);
      expect(existsSync(path.join(root, 'drops', 'M01', registered.id))).toBe(true);
      const report = readReport('M01', 'M01_transactions_1.csv.gpg');
      expect(JSON.parse(report)).toMatchObject({
        status: 'accepted',
        rows: { total: 50, accepted: 50, rejected: 0 },
        // No customers file yet: the transactions wait in the pool for their customers.
        pool: { inserted: 50, unknownCustomers: 50, expiredAtIntake: 0 },
      });
      expect(report).not.toContain(CANARY);
      // Idempotent: a retried job finds the drop finished and does nothing.
      expect(await processFileDrop(deps, registered.id)).toBeNull();
    });

    it('records what a load purged as pool.purged, as the daily pass does', async () => {
      const eventsOf = async (dropId: string) =>
        (await listAuditEvents(ctx, { objectId: dropId, limit: 50 })).events;
      // A transaction past 36 months (dropped at intake) and a recent one.
      const { registered } = await drop(
        'M01_transactions_expired.csv.gpg',
        `${HEADER}\nX1,TX1,2020-01-05,10.00,${CANARY},web\nX2,TX2,2026-01-05,10.00,${CANARY},web\n`,
      );
      expect(await processFileDrop(deps, registered.id)).toMatchObject({ status: 'accepted' });
      const events = await eventsOf(registered.id);
      const purged = events.filter((event) => event.action === 'pool.purged');
      expect(purged).toHaveLength(1);
      expect(purged[0]).toMatchObject({
        organisationCode: 'M01',
        objectType: 'file_drop',
        details: {
          trigger: 'drop',
          records: 0,
          transactions: 0,
          heldExpired: 0,
          expiredAtIntake: 1,
          retentionMonthsByMember: { M01: 36 },
        },
      });
      expect(JSON.stringify(purged[0])).not.toContain(CANARY);
      expect(events.map((event) => event.action)).toContain('pool.built');
      // A load that purged nothing appends no pool.purged.
      const clean = await drop(
        'M01_transactions_clean.csv.gpg',
        `${HEADER}\nX3,TX3,2026-01-06,10.00,${CANARY},web\n`,
      );
      await processFileDrop(deps, clean.registered.id);
      expect(
        (await eventsOf(clean.registered.id)).map((event) => event.action).includes('pool.purged'),
      ).toBe(false);
    });

    it('marks the same content sent again as a duplicate', async () => {
      const clear = `${HEADER}\n${rows(5)}\n`;
      const first = await drop('transactions_a.csv.pgp', clear);
      await processFileDrop(deps, first.registered.id);
      // gpg output differs per run (session key), so re-send the same bytes.
      const again = await drop('transactions_b.csv.pgp', 'placeholder');
      writeFileSync(
        again.target,
        readFileSync(path.join(root, 'drops', 'M01', first.registered.id)),
      );
      const duplicateId = (
        await registerFileDrop(
          ctx,
          SYSTEM_ACTOR,
          {
            organisationCode: 'M01',
            fileName: 'transactions_c.csv.pgp',
            source: 'sftp',
            sizeBytes: first.registered.sizeBytes,
            sha256: first.registered.sha256,
            storagePath: again.target,
          },
          async () => {},
        )
      ).id;
      const duplicate = await processFileDrop(deps, duplicateId);
      expect(duplicate).toMatchObject({ status: 'duplicate', duplicateOf: first.registered.id });
    });

    it.each([
      ['unsigned', { signer: null }, 'unsigned'],
      ['signed by an unregistered key', { signer: 'STRANGER' }, 'unknown_signer'],
    ])('rejects a file %s', async (_label, options, reason) => {
      const signer = options.signer === 'STRANGER' ? strangerFingerprint : options.signer;
      const fileName = `transactions_${reason}.csv.pgp`;
      const { registered } = await drop(fileName, `${HEADER}\n${rows(3)}\n`, { signer });
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({ status: 'rejected', rejectionReason: reason });
      expect(JSON.parse(readReport('M01', fileName)).rejection.reason).toBe(reason);
    });

    it('rejects a flipped byte as an integrity failure', async () => {
      const bytes = encrypt(`${HEADER}\n${rows(200)}\n`);
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
      // Altered before it reached the platform: the drop records the altered bytes.
      const target = path.join(root, 'sftp', 'M01', 'in', 'transactions_flip.csv.pgp');
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, bytes);
      const registered = await registerFileDrop(
        ctx,
        SYSTEM_ACTOR,
        {
          organisationCode: 'M01',
          fileName: 'transactions_flip.csv.pgp',
          source: 'sftp',
          sizeBytes: bytes.length,
          sha256: sha256(bytes),
          storagePath: target,
        },
        async () => {},
      );
      const finished = await processFileDrop(deps, registered.id);
      expect(finished?.status).toBe('rejected');
      expect(['integrity', 'malformed', 'bad_signature']).toContain(finished?.rejectionReason);
    });

    it('names an unknown header column and refuses a bad file name', async () => {
      const { registered } = await drop(
        'transactions_hdr.asc',
        `customer_id,NOM,date,amount_eur,category,channel\n${rows(2)}\n`,
        {
          armour: true,
        },
      );
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({ status: 'rejected', rejectionReason: 'bad_header' });
      expect(finished?.report?.rejection?.detail).toContain('column 2');
      const badName = await drop('export.csv.pgp', `${HEADER}\n`);
      expect(await processFileDrop(deps, badName.registered.id)).toMatchObject({
        rejectionReason: 'bad_file_name',
      });
    });

    it('rejects a drop whose encrypted file is gone as file_unavailable, without ending the process', async () => {
      const { registered, target } = await drop(
        'transactions_gone.csv.pgp',
        `${HEADER}\n${rows(3)}\n`,
      );
      rmSync(target);
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({ status: 'rejected', rejectionReason: 'file_unavailable' });
      expect(JSON.parse(readReport('M01', 'transactions_gone.csv.pgp')).rejection.reason).toBe(
        'file_unavailable',
      );
    });

    it('loads nothing of a drop whose member was offboarded before it was processed', async () => {
      const { registered } = await drop('transactions_late.csv.pgp', `${HEADER}\n${rows(3)}\n`, {
        member: 'M03',
      });
      await updateOrganisation(ctx, actor, 'M03', { status: 'offboarded' });
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({ status: 'rejected', rejectionReason: 'member_inactive' });
      const connection = await pool.warehouse.connect();
      const loaded = await connection.runAndReadAll(
        `SELECT (SELECT count(*) FROM customer_records WHERE member_code = 'M03')
              + (SELECT count(*) FROM transactions WHERE member_code = 'M03')`,
      );
      expect(loaded.getRowsJS()).toEqual([[0n]]);
    });

    it('retries, never rejects, a drop DuckDB fails to load for want of memory', async () => {
      const fileName = 'transactions_starved.csv.pgp';
      const { registered } = await drop(fileName, `${HEADER}\n${rows(5)}\n`);
      // Less memory than DuckDB needs to load the file (its CSV reader's buffers, or a step
      // after them): the load fails as unavailable, whichever statement ran out.
      await pool.warehouse.withWriter((connection) => connection.run(`SET memory_limit = '8MB'`));
      try {
        await expect(processFileDrop(deps, registered.id)).rejects.toMatchObject({
          code: 'unavailable',
          retry: true,
        });
      } finally {
        await pool.warehouse.withWriter((connection) => connection.run(`SET memory_limit = '1GB'`));
      }
      // Nothing told the member: no report, the drop still open for the retry.
      expect(existsSync(path.join(root, 'sftp', 'M01', 'reports', `${fileName}.report.json`))).toBe(
        false,
      );
      expect(await getFileDrop(ctx, registered.id)).toMatchObject({ status: 'processing' });
      expect(await processFileDrop(deps, registered.id)).toMatchObject({
        status: 'accepted',
        rowCount: 5,
      });
    });

    it('retries a drop on its own bytes after the member sent another file under the same name', async () => {
      const fileName = 'transactions_resent.csv.pgp';
      const first = await drop(fileName, `${HEADER}\n${rows(4)}\n`);
      // An earlier attempt moved the file into the store and died before recording it.
      const firstStored = path.join(root, 'drops', 'M01', first.registered.id);
      mkdirSync(path.dirname(firstStored), { recursive: true });
      renameSync(first.target, firstStored);
      const second = await drop(fileName, `${HEADER}\n${rows(6)}\n`);
      expect(await processFileDrop(deps, first.registered.id)).toMatchObject({
        status: 'accepted',
        rowCount: 4,
        storagePath: firstStored,
      });
      expect(sha256(readFileSync(firstStored))).toBe(first.registered.sha256);
      expect(await processFileDrop(deps, second.registered.id)).toMatchObject({
        status: 'accepted',
        rowCount: 6,
      });
      const secondStored = path.join(root, 'drops', 'M01', second.registered.id);
      expect(sha256(readFileSync(secondStored))).toBe(second.registered.sha256);
    });

    it('claims the file into the store first, so a re-sent name never reaches a pending drop', async () => {
      const fileName = 'transactions_claimed.csv.pgp';
      const pending = await drop(fileName, `${HEADER}\n${rows(2)}\n`);
      // Claimed by an attempt that died right away: its file is in the store, in/ is free.
      await claimFileDrop(ctx, pending.registered.id);
      const stored = await claimDropFile(ctx, path.join(root, 'drops'), {
        ...pending.registered,
        attempts: 1,
      });
      expect(existsSync(pending.target)).toBe(false);
      expect((await getFileDrop(ctx, pending.registered.id)).storagePath).toBe(stored);
      const resent = await drop(fileName, `${HEADER}\n${rows(3)}\n`);
      expect(await processFileDrop(deps, pending.registered.id)).toMatchObject({
        status: 'accepted',
        rowCount: 2,
      });
      expect(existsSync(resent.target)).toBe(true);
    });

    it('rejects a drop whose stored bytes are not the ones it received, loading nothing', async () => {
      const { registered, target } = await drop(
        'transactions_swapped.csv.pgp',
        `${HEADER}\n${rows(3)}\n`,
      );
      // Well signed and encrypted, but another file than the one this drop recorded.
      writeFileSync(target, encrypt(`${HEADER}\n${rows(5)}\n`));
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({
        status: 'rejected',
        rejectionReason: 'file_unavailable',
        rowCount: null,
      });
      expect(finished?.report?.rejection?.detail).toContain('SHA-256');
    });

    it("leaves an inbox file alone on a retry when it is not the drop's own", async () => {
      const fileName = 'transactions_lost.csv.pgp';
      const lost = await drop(fileName, `${HEADER}\n${rows(3)}\n`);
      // A first attempt died before moving it; by now in/ holds another file of that name.
      await claimFileDrop(ctx, lost.registered.id);
      const other = encrypt(`${HEADER}\n${rows(7)}\n`);
      writeFileSync(lost.target, other);
      expect(await processFileDrop(deps, lost.registered.id)).toMatchObject({
        status: 'rejected',
        rejectionReason: 'file_unavailable',
      });
      expect(sha256(readFileSync(lost.target))).toBe(sha256(other));
    });

    it('rejects a file without its header line and never echoes its first row', async () => {
      const fileName = 'transactions_headerless.csv.pgp';
      const { registered } = await drop(fileName, `${rows(3)}\n`);
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({ status: 'rejected', rejectionReason: 'bad_header' });
      expect(finished?.report?.rejection?.detail).toContain('header line may be missing');
      const reportText = readFileSync(
        path.join(root, 'sftp', 'M01', 'reports', `${fileName}.report.txt`),
        'utf8',
      );
      for (const reported of [
        JSON.stringify(finished?.report),
        readReport('M01', fileName),
        reportText,
      ]) {
        expect(reported).not.toContain(CANARY);
        expect(reported).not.toContain('2026-01-01');
      }
    });

    it('finishes a drop whose header cell holds a NUL byte (the control database refuses U+0000)', async () => {
      const { registered } = await drop(
        'transactions_nul.csv.pgp',
        `${HEADER},\u0000\n${rows(2).replaceAll('\n', ',\n')},\n`,
      );
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({ status: 'rejected', rejectionReason: 'bad_header' });
      expect(finished?.report?.rejection?.detail).toBe(
        'column 7: unknown header (not a canonical column nor mapped in the dialect profile)',
      );
    });

    it('rejects a customer row holding a NUL or another control character, by line and column, never loading it', async () => {
      const customers = Array.from({ length: 40 }, (_, index) => {
        const row: Record<string, string> = {
          customer_id: `K${index}`,
          last_name: `${CANARY}-${index}`,
          email: `k${index}@exemple.fr`,
          created_at: '2026-01-02',
        };
        // Line 5: a NUL in the last name, quoted or not alike; line 9: an ESC in the street.
        if (index === 3) row.last_name = `DUP\u0000ONT-${CANARY}`;
        if (index === 7) row.street = `"12 rue\u001b ${CANARY}"`;
        return CUSTOMER_COLUMNS.map((column) => row[column] ?? '').join(',');
      });
      const fileName = 'M02_customers-delta_control.csv.pgp';
      const { registered } = await drop(
        fileName,
        `${CUSTOMER_COLUMNS.join(',')}\n${customers.join('\n')}\n`,
        { member: 'M02' },
      );
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({ status: 'accepted', rowCount: 40, rejectedRowCount: 2 });
      expect(finished?.report?.rowErrors).toEqual([
        { line: 5, column: 'last_name', reason: 'control character U+0000 in the field' },
        { line: 9, column: 'street', reason: 'control character U+001B in the field' },
      ]);
      const reported = `${JSON.stringify(finished?.report)}${readReport('M02', fileName)}`;
      expect(reported).not.toContain(CANARY);
      // The rejected rows never reached the pool, so no export (nor delivery) can carry them.
      const exported = await exportMemberData(pool.warehouse, 'M02');
      expect(exported.records).toBe(38);
      const controls = [...exported.customersCsv].filter((character) => {
        const code = character.charCodeAt(0);
        return (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);
      });
      expect(controls).toEqual([]);
      expect(exported.customersCsv).not.toContain('K3,');
      expect(exported.customersCsv).not.toContain('K7,');
    });

    it('rejects a file whose bad rows exceed the ratio, with line numbers', async () => {
      const clear = `${HEADER}\n${rows(10)}\nC99,T99,2026-01-01\nC98\n`;
      const { registered } = await drop('transactions_bad.csv.pgp', clear);
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({
        status: 'rejected',
        rejectionReason: 'too_many_bad_rows',
        rowCount: 12,
        rejectedRowCount: 2,
      });
      expect(finished?.report?.rowErrors.map((error) => error.line)).toEqual([12, 13]);
    });

    it('reads a Windows-1252, semicolon, CRLF export with French headers through the dialect profile', async () => {
      await setMemberDialect(ctx, actor, 'M02', {
        encoding: 'windows-1252',
        delimiter: ';',
        decimalSeparator: ',',
        dateFormat: 'DD/MM/YYYY',
        headers: {
          transactions: {
            NUM_CLIENT: 'customer_id',
            NUM_ACHAT: 'transaction_id',
            DATE_ACHAT: 'date',
            MONTANT: 'amount_eur',
            RAYON: 'category',
            CANAL: 'channel',
          },
        },
      });
      const text =
        'NUM_CLIENT;NUM_ACHAT;DATE_ACHAT;MONTANT;RAYON;CANAL\r\nC1;T1;02/01/2026;12,50;Électroménager;magasin\r\nC2;T2;03/01/2026;"8,00";"Prêt-à-porter\r\nenfant";web\r\n';
      const clear = Buffer.from(
        new TextEncoder().encode(text).length ? encodeWindows1252(text) : [],
      );
      const { registered } = await drop('M02-transactions.csv.pgp', clear, { member: 'M02' });
      const finished = await processFileDrop(deps, registered.id);
      expect(finished).toMatchObject({ status: 'accepted', rowCount: 2, rejectedRowCount: 0 });
    });
  },
);

// Test-only encoder for the few accented letters used above (Windows-1252 = Latin-1 for them).
function encodeWindows1252(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
