import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, runCli, startServe, stopProcess } from '@alliage/cli/testing';
import { hmacSha256Hex } from '@alliage/crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('alliage repoussoir on embedded defaults (PGlite data directory)', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'alliage-repoussoir-'));
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir });
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const writeCsv = (name: string, text: string) => {
    const file = path.join(dataDir, name);
    writeFileSync(file, text);
    return file;
  };

  it('adds a contact point, then finds another spelling of it already there', async () => {
    const added = await runCli(
      [
        'repoussoir',
        'add',
        '--kind',
        'phone',
        '--value',
        '+33 6 12 34 56 78',
        '--source',
        'subject_request',
        '--reference',
        'DSAR-0001',
        '--json',
      ],
      env,
    );
    // The first command on this data directory: it creates the platform and says so.
    expect(JSON.parse(added.stderr)).toMatchObject({ notice: expect.any(String), dataDir });
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      kind: 'phone',
      scope: 'all',
      source: 'subject_request',
      sourceReference: 'DSAR-0001',
      alreadyPresent: false,
    });
    // The same request again, with another spelling of the number: the same entry.
    const again = await runCli(
      [
        'repoussoir',
        'add',
        '--kind',
        'phone',
        '--value',
        '06.12.34.56.78',
        '--source',
        'subject_request',
        '--reference',
        'DSAR-0001',
      ],
      env,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already in the repoussoir');

    // A control character is refused as in a member file (the postal key would fold it away).
    for (const [kind, value, reason] of [
      ['email', 'secret.person@', 'not a valid email address'],
      ['postal', 'Secret\u0007name|Jean|75016|12 av Hugo', 'control character U+0007 in the field'],
    ] as const) {
      const bad = await runCli(['repoussoir', 'add', '--kind', kind, '--value', value], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(reason);
      expect(bad.stderr).not.toMatch(/secret/i);
    }
  });

  it('refuses a file with bad lines by line number, without quoting them, and imports nothing', async () => {
    const file = writeCsv(
      'bad.csv',
      [
        'kind,value',
        'email,fresh.person@example.invalid',
        'phone,0612',
        'fax,0145454545',
        'postal,Secretname|Jean|75016',
        // Control characters are refused as in a member file (the postal key would fold them away).
        '"postal","Secret\u0000name|Jean|75016|12 av Victor Hugo"',
        'phone,06 12 34 56 78\u0085',
        '',
      ].join('\n'),
    );
    const result = await runCli(['repoussoir', 'import', '--file', file], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('5 bad line(s)');
    expect(result.stderr).toContain('line 3: value: not a valid phone number');
    expect(result.stderr).toContain('line 4: kind must be email, phone or postal');
    expect(result.stderr).toContain('line 5: value: must be LAST NAME|FIRST NAME');
    expect(result.stderr).toContain('line 6: value: control character U+0000 in the field');
    expect(result.stderr).toContain('line 7: value: control character U+0085 in the field');
    expect(result.stderr).not.toMatch(/0612|0145454545|Secret|fresh\.person|56 78|Victor/);

    const header = await runCli(
      ['repoussoir', 'import', '--file', writeCsv('header.csv', 'type,contact\nemail,x@y.fr\n')],
      env,
    );
    expect(header.code).toBe(2);
    expect(header.stderr).toContain('kind,value');
  });

  it('imports a CSV (quoted commas, BOM, CRLF), counts what was there, and audits it', async () => {
    const file = writeCsv(
      'optouts.csv',
      [
        '\ufeffkind,value',
        'email, Jean.Test@Example.INVALID ',
        'postal,"de la Fontaine|Jean|75016|12, AV VICTOR HUGO"',
        'postal,DELAFONTAINE|jean|75016|12 avenue Victor-Hugo',
        'phone,06 12 34 56 78',
        '',
      ].join('\r\n'),
    );
    const result = await runCli(
      [
        'repoussoir',
        'import',
        '--file',
        file,
        '--source',
        'member_optout',
        '--reference',
        'M01 2026-11',
        '--json',
      ],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The phone is in force from the subject's request already: the member's list gets its
    // own entry for it (another provenance); only the second spelling of the postal identity
    // is the same entry again.
    expect(JSON.parse(result.stdout)).toMatchObject({ entries: 4, added: 3, alreadyPresent: 1 });

    const tail = await runCli(['audit', 'tail', '-n', '10', '--json'], env);
    const events = JSON.parse(tail.stdout) as {
      action: string;
      actor: string;
      details: Record<string, unknown>;
    }[];
    const changes = events.filter((event) => event.action === 'repoussoir.changed');
    expect(changes.length).toBe(3);
    expect(changes.map((event) => event.details.operation).sort()).toEqual([
      'add',
      'add',
      'import',
    ]);
    expect(changes.find((event) => event.details.operation === 'import')).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      details: { added: 3, alreadyPresent: 1, source: 'member_optout' },
    });
    expect(tail.stdout).not.toMatch(/612345678|jean\.test|FONTAINE/i);
    expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
  });

  it('stores only keyed hashes of the normalised keys, under the platform secret', async () => {
    const secret = readFileSync(path.join(dataDir, 'secrets', 'hmac.secret'), 'utf8');
    const db = await PGlite.create(path.join(dataDir, 'pglite'));
    try {
      const { rows } = await db.query<{ kind: string; hmac: string }>(
        'SELECT DISTINCT kind, hmac FROM repoussoir_entries ORDER BY kind, hmac',
      );
      expect(rows).toEqual(
        [
          { kind: 'email', hmac: hmacSha256Hex(secret, 'jean.test@example.invalid') },
          { kind: 'phone', hmac: hmacSha256Hex(secret, '+33612345678') },
          {
            kind: 'postal',
            hmac: hmacSha256Hex(secret, 'DELAFONTAINE|JEAN|75016|12 AVENUE VICTOR HUGO'),
          },
        ].sort((a, b) => a.kind.localeCompare(b.kind) || a.hmac.localeCompare(b.hmac)),
      );
    } finally {
      await db.close();
    }
  });

  it('gives the same hashes through the HTTP API while serve holds the data directory', async () => {
    const serve = await startServe({ ...env, ALLIAGE_HTTP_PORT: '0' });
    try {
      const again = await runCli(
        [
          'repoussoir',
          'add',
          '--kind',
          'email',
          '--value',
          'JEAN.TEST@example.invalid',
          ...['--source', 'member_optout', '--reference', 'M01 2026-11', '--json'],
        ],
        env,
      );
      expect(again.stderr).toBe('');
      expect(JSON.parse(again.stdout)).toMatchObject({ alreadyPresent: true });
      const file = writeCsv(
        'more.csv',
        'kind,value\nphone,+33612345678\nemail,another.person@example.invalid\n',
      );
      const imported = await runCli(
        [
          'repoussoir',
          'import',
          '--file',
          file,
          ...['--source', 'member_optout', '--reference', 'M01 2026-11', '--json'],
        ],
        env,
      );
      expect(imported.stderr).toBe('');
      expect(JSON.parse(imported.stdout)).toMatchObject({ added: 1, alreadyPresent: 1 });
      const tail = await runCli(['audit', 'tail', '-n', '1', '--json'], env);
      expect(JSON.parse(tail.stdout)[0]).toMatchObject({
        action: 'repoussoir.changed',
        actor: expect.stringMatching(/^principal:/),
      });

      // More than one request takes: one change per request-sized batch, in file order.
      const large = writeCsv(
        'large.csv',
        [
          'kind,value',
          ...Array.from({ length: 10_001 }, (_, index) => `phone,0${698_000_000 + index}`),
          '',
        ].join('\n'),
      );
      const large1 = await runCli(
        ['repoussoir', 'import', '--file', large, '--source', 'national_list', '--json'],
        env,
      );
      expect(large1.stderr).toBe('');
      expect(JSON.parse(large1.stdout)).toMatchObject({ added: 10_001, alreadyPresent: 0 });
      const changes = JSON.parse(
        (await runCli(['audit', 'tail', '-n', '2', '--json'], env)).stdout,
      ) as { action: string; details: { added?: number } }[];
      expect(changes.map((event) => [event.action, event.details.added])).toEqual([
        ['repoussoir.changed', 10_000],
        ['repoussoir.changed', 1],
      ]);
      // Run again (as after an error midway): nothing added twice.
      const again2 = await runCli(
        ['repoussoir', 'import', '--file', large, '--source', 'national_list', '--json'],
        env,
      );
      expect(JSON.parse(again2.stdout)).toMatchObject({ added: 0, alreadyPresent: 10_001 });
    } finally {
      expect(await stopProcess(serve.child)).toBe(0);
    }
  });

  it('imports a list larger than one request as one change, audited once', async () => {
    const numbers = Array.from(
      { length: 25_000 },
      (_, index) => `phone,0${612_000_000 + index * 3}`,
    );
    // One number repeated in the file: counted once, as already there.
    const file = writeCsv('national.csv', ['kind,value', numbers[1], ...numbers, ''].join('\n'));
    const result = await runCli(
      [
        'repoussoir',
        'import',
        '--file',
        file,
        '--source',
        'national_list',
        '--reference',
        'Bloctel 2026-11',
        '--scope',
        'sms',
        '--json',
      ],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      entries: 25_001,
      added: 25_000,
      alreadyPresent: 1,
    });
    const tail = await runCli(['audit', 'tail', '-n', '1', '--json'], env);
    expect(JSON.parse(tail.stdout)[0]).toMatchObject({
      action: 'repoussoir.changed',
      details: { operation: 'import', added: 25_000, alreadyPresent: 1 },
    });
    const stats = JSON.parse((await runCli(['repoussoir', 'stats', '--json'], env)).stdout);
    expect(stats.bySourceAndScope).toContainEqual(
      expect.objectContaining({ source: 'national_list', scope: 'sms', active: 25_000 }),
    );
  });

  it('withdraws a superseded list version as a whole, leaving the next version in force', async () => {
    // The next version keeps two numbers of November's and adds one.
    const december = writeCsv(
      'national-december.csv',
      ['kind,value', 'phone,0612000000', 'phone,0612000003', 'phone,0699000001', ''].join('\n'),
    );
    const imported = await runCli(
      [
        'repoussoir',
        'import',
        '--file',
        december,
        ...['--source', 'national_list', '--reference', 'Bloctel 2026-12', '--scope', 'sms'],
        '--json',
      ],
      env,
    );
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toMatchObject({ added: 3, alreadyPresent: 0 });

    const usage = await runCli(['repoussoir', 'withdraw', '--reason', 'superseded'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--id, or --source with --reference');
    const half = await runCli(
      ['repoussoir', 'withdraw', '--source', 'national_list', '--reason', 'superseded'],
      env,
    );
    expect(half.code).toBe(2);
    const mistyped = await runCli(
      [
        'repoussoir',
        'withdraw',
        ...['--source', 'national_list', '--reference', 'Bloctel 2026-1'],
        ...['--reason', 'superseded'],
      ],
      env,
    );
    expect(mistyped.code).toBe(1);
    expect(mistyped.stderr).toContain('no repoussoir entry in force');

    const withdrawn = await runCli(
      [
        'repoussoir',
        'withdraw',
        ...['--source', 'national_list', '--reference', 'Bloctel 2026-11'],
        ...['--reason', 'Superseded by Bloctel 2026-12', '--json'],
      ],
      env,
    );
    expect(withdrawn.stderr).toBe('');
    expect(withdrawn.code).toBe(0);
    expect(JSON.parse(withdrawn.stdout)).toEqual({ withdrawn: 25_000, kinds: { phone: 25_000 } });
    const stats = JSON.parse((await runCli(['repoussoir', 'stats', '--json'], env)).stdout);
    expect(stats.bySourceAndScope).toContainEqual(
      expect.objectContaining({
        source: 'national_list',
        scope: 'sms',
        active: 3,
        withdrawn: 25_000,
      }),
    );
    const tail = await runCli(['audit', 'tail', '-n', '1', '--json'], env);
    expect(JSON.parse(tail.stdout)[0]).toMatchObject({
      action: 'repoussoir.changed',
      details: { operation: 'withdraw', withdrawn: 25_000, source: 'national_list' },
    });
    expect(tail.stdout).not.toContain('Bloctel');
    expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
  });
});
