import { Readable } from 'node:stream';
import { hmacSha256Hex } from '@alliage/crypto';
import { type TRepoussoirHashEntry, ZDialectProfile } from '@alliage/domain';
import { repoussoirKey } from '@alliage/normalize';
import { describe, expect, it } from 'vitest';
import { readOptoutList } from './read-optout-list.ts';

const SECRET = 'test-hmac-secret-of-at-least-32-chars!';
const dialect = ZDialectProfile.parse({ encoding: 'windows-1252', delimiter: ';' });
const hashOf = (kind: 'email' | 'phone' | 'postal', value: string) => {
  const key = repoussoirKey(kind, value);
  if (!key.ok) throw new Error(key.reason);
  return hmacSha256Hex(SECRET, key.value);
};
const read = async (text: string, encoding: BufferEncoding = 'latin1') => {
  const entries: TRepoussoirHashEntry[] = [];
  const result = await readOptoutList({
    // Split in small chunks: a line never arrives whole.
    plaintext: Readable.from(chunks(Buffer.from(text, encoding), 7)),
    dialect,
    hmacSecret: SECRET,
    onEntries: async (batch) => {
      entries.push(...batch);
    },
  });
  return result.outcome === 'read' ? { ...result, entries } : result;
};

function* chunks(bytes: Buffer, size: number) {
  for (let start = 0; start < bytes.length; start += size)
    yield bytes.subarray(start, start + size);
}

describe('readOptoutList', () => {
  it('hashes each valid line and lists every refused one by line, column and reason', async () => {
    const result = await read(
      [
        'type;value;scope',
        'email;Jean.Secret@Example.FR;',
        'phone;06 12 34 56 78;sms',
        'phone;0612;all',
        'fax;0145454545;',
        '"postal";"DUPONT|Hélène|75016|12; rue de la Paix";postal',
        'email;too;many;fields',
        '',
      ].join('\r\n'),
    );
    expect(result).toEqual({
      outcome: 'read',
      rows: { total: 6, accepted: 3, rejected: 3 },
      rowErrors: [
        { line: 4, column: 'value', reason: expect.stringContaining('not a valid phone number') },
        { line: 5, column: 'kind', reason: 'must be one of email, phone, postal' },
        { line: 7, column: null, reason: 'expected 3 fields, found 4' },
      ],
      entries: [
        { kind: 'email', hmac: hashOf('email', 'jean.secret@example.fr'), scope: 'all' },
        { kind: 'phone', hmac: hashOf('phone', '0612345678'), scope: 'sms' },
        {
          kind: 'postal',
          hmac: hashOf('postal', 'Dupont|HELENE|75016|12 rue de la paix'),
          scope: 'postal',
        },
      ],
    });
    expect(JSON.stringify(result)).not.toMatch(/Secret|0612|0145|DUPONT|H.l.ne|many/i);
  });

  it('refuses a wrong header and a file that is not text in the dialect', async () => {
    expect(await read('email;value\nemail;a@b.fr\n')).toEqual({
      outcome: 'rejected',
      reason: 'bad_header',
      detail: expect.stringContaining('missing required column kind'),
    });
    expect(await read('')).toMatchObject({ outcome: 'rejected', reason: 'bad_header' });
    // A list sent without its header line: the first contact point is not echoed.
    const headerless = await read('email;canary.first@example.test;\nemail;b@c.fr;\n');
    expect(headerless).toMatchObject({ outcome: 'rejected', reason: 'bad_header' });
    expect(JSON.stringify(headerless)).not.toContain('canary');
    expect(await read('kind;value\nemail;"a@b.fr\n')).toMatchObject({
      outcome: 'rejected',
      reason: 'malformed',
    });
  });

  it('refuses a line with a control character by line and column, as a member file row', async () => {
    // Windows-1252 0x81 is undefined: it decodes to the C1 control U+0081.
    const result = await read(
      [
        'kind;value;scope',
        'postal;DUPONT\u0000|Jean|75016|12 rue de la Paix;',
        'email;a@b.fr;all\u0081',
        'email;c@d.fr;',
        '',
      ].join('\n'),
    );
    expect(result).toMatchObject({
      outcome: 'read',
      rows: { total: 3, accepted: 1, rejected: 2 },
      rowErrors: [
        { line: 2, column: 'value', reason: 'control character U+0000 in the field' },
        { line: 3, column: 'scope', reason: 'control character U+0081 in the field' },
      ],
    });
    expect(JSON.stringify(result)).not.toContain('DUPONT');
  });

  it('hands the entries over a batch at a time as it reads, never holding the list', async () => {
    const batchSize = 100;
    const lineCount = 10 * batchSize + 37;
    let linesRead = 0;
    // One line a chunk, counted as the reader pulls it.
    async function* list() {
      yield Buffer.from('kind;value;scope\n');
      for (let index = 0; index < lineCount; index++) {
        linesRead += 1;
        yield Buffer.from(`email;list.${index}@example.test;\n`);
      }
    }
    const batches: number[] = [];
    let handedOver = 0;
    let mostHeld = 0;
    const result = await readOptoutList({
      plaintext: Readable.from(list(), { highWaterMark: 1 }),
      dialect,
      hmacSecret: SECRET,
      batchSize,
      onEntries: async (batch) => {
        batches.push(batch.length);
        // Lines read but not yet handed over: what the reader holds besides this batch.
        mostHeld = Math.max(mostHeld, linesRead - handedOver - batch.length);
        handedOver += batch.length;
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    expect(result).toMatchObject({ outcome: 'read', rows: { total: lineCount, rejected: 0 } });
    expect(batches).toEqual([...Array.from({ length: 10 }, () => batchSize), 37]);
    // A few lines of the stream's read-ahead at most, never the rest of the list.
    expect(mostHeld).toBeLessThan(10);
  });
});
