import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, createTestDataDir, runCli, useRealBackends } from '@alliage/cli/testing';
import { hmacSha256Hex } from '@alliage/crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `alliage repoussoir import` with the platform stopped: a list larger than one request
// goes in as ONE change, and nothing of it on any failure.
const postgresAvailable = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

for (const backend of ['embedded', 'postgres'] as const) {
  describe.skipIf(backend === 'postgres' && !postgresAvailable)(
    `alliage repoussoir import directly on the data directory (${backend})`,
    () => {
      let dataDir: string;
      let env: Record<string, string>;
      let dropDatabase: (() => Promise<void>) | null = null;
      let file: string;
      // 25,000 numbers (three batches of 10,000), one of them repeated.
      const numbers = Array.from({ length: 25_000 }, (_, index) => 612_000_000 + index * 3);
      const args = [
        ...['repoussoir', 'import', '--source', 'national_list'],
        ...['--reference', 'Bloctel 2026-11', '--scope', 'sms', '--json'],
      ];

      /** Runs SQL on the control plane while no command holds it. */
      const query = async <T>(text: string): Promise<T[]> => {
        if (backend === 'postgres') {
          const client = new pg.Client({ connectionString: env.DATABASE_URL });
          await client.connect();
          try {
            return (await client.query(text)).rows as T[];
          } finally {
            await client.end();
          }
        }
        const db = await PGlite.create(path.join(dataDir, 'pglite'));
        try {
          return (await db.exec(text)).at(-1)?.rows as T[];
        } finally {
          await db.close();
        }
      };
      const repoussoirNow = async () =>
        (
          await query<Record<string, number>>(`SELECT
            (SELECT version FROM repoussoir_state WHERE id = 1)::int AS version,
            (SELECT count(*) FROM repoussoir_entries)::int AS entries,
            (SELECT count(*) FROM audit_events WHERE action = 'repoussoir.changed')::int AS events,
            (SELECT count(*) FROM repoussoir_import_staging)::int AS staged,
            (SELECT count(*) FROM repoussoir_imports)::int AS imports`)
        )[0];

      beforeAll(async () => {
        // Embedded: a copy of the run's test platform; PostgreSQL: an empty directory (the
        // copy's secrets are PGlite's control plane's).
        dataDir =
          backend === 'embedded'
            ? await createTestDataDir('alliage-repoussoir-direct-')
            : mkdtempSync(path.join(os.tmpdir(), 'alliage-repoussoir-direct-'));
        env = cliEnv({ ALLIAGE_DATA_DIR: dataDir });
        if (backend === 'postgres') dropDatabase = await useRealBackends(env, 'repdir');
        // One entry in force (on PostgreSQL, this first command creates the platform).
        const first = await runCli(
          ['repoussoir', 'add', '--kind', 'email', '--value', 'someone@example.invalid'],
          env,
        );
        expect(first.code).toBe(0);
        file = path.join(dataDir, 'national.csv');
        writeFileSync(
          file,
          ['kind,value', `phone,0${numbers[1]}`, ...numbers.map((n) => `phone,0${n}`), ''].join(
            '\n',
          ),
        );
      });
      afterAll(async () => {
        await dropDatabase?.();
        rmSync(dataDir, { recursive: true, force: true });
      });

      it('leaves the repoussoir as it was when the database refuses a line of the second batch', async () => {
        const secret = readFileSync(path.join(dataDir, 'secrets', 'hmac.secret'), 'utf8');
        // A real failure after the first batch: the database refuses the entry of line 15,002.
        const refused = hmacSha256Hex(secret, `+33${numbers[15_000]}`);
        await query(`
          CREATE FUNCTION refuse_injected_entry() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.hmac = '${refused}' THEN RAISE EXCEPTION 'injected failure'; END IF;
            RETURN NEW;
          END $$;
          CREATE TRIGGER refuse_injected_entry BEFORE INSERT ON repoussoir_entries
            FOR EACH ROW EXECUTE FUNCTION refuse_injected_entry();`);
        const before = await repoussoirNow();
        try {
          const result = await runCli([...args, '--file', file], env);
          expect(result.code).toBe(1);
          expect(result.stderr).not.toContain('were imported');
          expect(result.stderr).not.toMatch(/612000|\+33/);
        } finally {
          await query(
            'DROP TRIGGER refuse_injected_entry ON repoussoir_entries; DROP FUNCTION refuse_injected_entry();',
          );
        }
        // Same version, no entry, no event, nothing left staged.
        expect(await repoussoirNow()).toEqual({ ...before, staged: 0, imports: 0 });
      });

      it('imports a list larger than one request as one version and one event', async () => {
        const before = await repoussoirNow();
        const result = await runCli([...args, '--file', file], env);
        expect([result.code, result.stderr]).toEqual([0, '']);
        // One number is repeated in the file: counted once, as already there.
        const counts = { file, entries: 25_001, added: 25_000, alreadyPresent: 1 };
        expect(JSON.parse(result.stdout)).toEqual(counts);
        expect(await repoussoirNow()).toEqual({
          version: (before?.version ?? 0) + 1,
          entries: (before?.entries ?? 0) + 25_000,
          events: (before?.events ?? 0) + 1,
          staged: 0,
          imports: 0,
        });
        const tail = await runCli(['audit', 'tail', '-n', '1', '--json'], env);
        expect(JSON.parse(tail.stdout)[0]).toMatchObject({
          action: 'repoussoir.changed',
          actor: expect.stringMatching(/^cli:/),
          details: { operation: 'import', added: 25_000, alreadyPresent: 1 },
        });
        expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
      });
    },
  );
}
