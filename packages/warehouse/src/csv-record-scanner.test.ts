import { describe, expect, it } from 'vitest';
import { CsvRecordScanner } from './csv-record-scanner.ts';

function scan(text: string | Uint8Array, options: { delimiter?: string; split?: number } = {}) {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  let header: string[] = [];
  const scanner = new CsvRecordScanner({
    delimiter: options.delimiter ?? ',',
    quote: '"',
    onHeader: (fields) => {
      header = fields;
      return fields.length;
    },
  });
  const parts: Uint8Array[] = [];
  const step = options.split ?? bytes.length;
  for (let offset = 0; offset < bytes.length; offset += step) {
    parts.push(scanner.push(bytes.subarray(offset, offset + step)));
  }
  parts.push(scanner.end());
  const output = Buffer.concat(parts).toString('utf8');
  return { header, output, errors: scanner.errors, scanner };
}

describe('CsvRecordScanner', () => {
  it('prefixes each record with its starting line and normalises CRLF', () => {
    const { header, output } = scan('\uFEFFa,b\r\n1,2\r\n3,4');
    expect(header).toEqual(['a', 'b']);
    expect(output).toBe('2,1,2\n3,3,4\n');
  });

  it('keeps quoted newlines, delimiters and doubled quotes inside one record', () => {
    const { output, errors } = scan('a;b\n"x;\r\ny";"say ""hi"""\n5;6\n', { delimiter: ';' });
    expect(errors).toEqual([]);
    expect(output).toBe('2;"x;\r\ny";"say ""hi"""\n4;5;6\n');
  });

  it('skips empty lines but counts them', () => {
    const { output } = scan('a,b\n\n1,2\r\n\r\n3,4\n\n');
    expect(output).toBe('3,1,2\n5,3,4\n');
  });

  it('refuses records with the wrong number of fields or a misplaced quote, by line', () => {
    const { output, errors, scanner } = scan('a,b\n1,2,3\n1\n12 "X",2\n"a"b,2\n7,8\n');
    expect(output).toBe('6,7,8\n');
    expect(errors).toEqual([
      { line: 2, reason: 'expected 2 fields, found 3' },
      { line: 3, reason: 'expected 2 fields, found 1' },
      { line: 4, reason: expect.stringContaining('quote') },
      { line: 5, reason: expect.stringContaining('quote') },
    ]);
    expect(scanner.forwarded).toBe(1);
    expect(scanner.refused).toBe(4);
  });

  it('refuses a record with a carriage return inside an unquoted field, by line, whatever the chunks', () => {
    // DuckDB's reader (new_line '\n') fails the whole file on such a CR: only that record goes.
    const text = 'a,b\r\n1,x\ry\r\n2,3\r\n4,5\r\r\n"6\r",7\r\n\r\r\n8,\r9\n10,11\r';
    for (const split of [text.length, 1, 2, 3]) {
      const { output, errors, scanner } = scan(text, { split });
      expect(output, `split ${split}`).toBe('3,2,3\n5,"6\r",7\n8,10,11\n');
      const reason = 'a carriage return (CR) not followed by a line feed, outside quotes';
      expect(errors, `split ${split}`).toEqual([
        { line: 2, reason },
        { line: 4, reason },
        { line: 7, reason },
      ]);
      expect(scanner.refused).toBe(3);
    }
  });

  it('refuses a record with a control character in a field, by line and field, whatever the chunks', () => {
    // NUL unquoted, BEL and ESC in one record, a C1 control (UTF-8 C2 85) and a quoted
    // NUL across a quoted line break; tab, CRLF and U+00A0 (C2 A0) are text.
    const text =
      'a;b;c\r\n1;x\u0000y;z\r\n2;\u0007;\u001b\u0007\r\n3;"p\r\nq\u0000";r\r\n' +
      '4;\u0085;s\r\n5;a\tb;\u00a0\r\n6;\u007f;t\n7;"ok";u\n';
    for (const split of [text.length, 1, 2, 3, 5]) {
      const { output, errors, scanner } = scan(text, { delimiter: ';', split });
      expect(output, `split ${split}`).toBe('7;5;a\tb;\u00a0\n9;7;"ok";u\n');
      expect(errors, `split ${split}`).toEqual([
        { line: 2, field: 2, reason: 'control character U+0000 in the field' },
        { line: 3, field: 2, reason: 'control character U+0007 in the field' },
        { line: 3, field: 3, reason: 'control character U+001B in the field' },
        { line: 4, field: 2, reason: 'control character U+0000 in the field' },
        { line: 6, field: 2, reason: 'control character U+0085 in the field' },
        { line: 8, field: 2, reason: 'control character U+007F in the field' },
      ]);
      expect(scanner.refused, `split ${split}`).toBe(5);
      expect(scanner.forwarded, `split ${split}`).toBe(2);
    }
  });

  it('notes the records holding what trim() strips and DuckDB keeps, whatever the chunks', () => {
    // Tab (unquoted or quoted), a quoted line break, U+2028, U+2029, U+FEFF are noted;
    // spaces, no-break spaces, a typographic apostrophe (E2 80 99) and line ends are not.
    const text = [
      'a,b',
      '1,\tx',
      '2,y',
      '"3",\u00a0z\u00a0',
      '"4\n",w',
      '5,\u2028v',
      '6,N\u2019Diaye',
      '7,\ufeffu',
      '"8","\u2029t"',
      '9,s\r',
      '"10\t",r',
      '',
    ].join('\n');
    for (const split of [text.length, 1, 2, 3, 5]) {
      const { errors, scanner } = scan(text, { split });
      expect(errors).toEqual([]);
      expect(scanner.untrimmedLines).toEqual([2, 5, 7, 9, 10, 12]);
      expect(scanner.untrimmedOverflow).toBe(false);
    }
  });

  it('does not note a tab that is the delimiter, only one inside quotes', () => {
    const { errors, scanner, output } = scan('a\tb\n1\tx\n"2\t"\ty\n', { delimiter: '\t' });
    expect(errors).toEqual([]);
    expect(output).toBe('2\t1\tx\n3\t"2\t"\ty\n');
    expect(scanner.untrimmedLines).toEqual([3]);
  });

  it('says every record once there are too many to list', () => {
    const text = `a,b\n${'1,\tx\n'.repeat(100_001)}`;
    const { scanner } = scan(text);
    expect(scanner.untrimmedLines).toHaveLength(100_000);
    expect(scanner.untrimmedOverflow).toBe(true);
  });

  it('reports an unterminated quote as malformed', () => {
    const { scanner } = scan('a,b\n1,"open\n2,3\n');
    expect(scanner.malformed).toContain('line 2');
  });

  it('gives the same result whatever the chunk boundaries', () => {
    const text = '\uFEFFa;b\r\n"é\n;x";2\r\n\r\n3;"4"\r\n5;6;7\r\n"8""";9';
    const whole = scan(text, { delimiter: ';' });
    for (const split of [1, 2, 3, 5, 7]) {
      const pieces = scan(text, { delimiter: ';', split });
      expect(pieces.output).toBe(whole.output);
      expect(pieces.errors).toEqual(whole.errors);
      expect(pieces.header).toEqual(whole.header);
    }
    expect(whole.output).toBe('2;"é\n;x";2\n5;3;"4"\n7;"8""";9\n');
  });

  it('numbers thousands of unquoted records right, empty-field and CR-only lines included', () => {
    // Whole records in one chunk take the fast path; split per byte, none does.
    const lines = ['a,b'];
    const expected: string[] = [];
    for (let line = 2; line <= 1205; line++) {
      const record = line % 97 === 0 ? '\r' : line % 89 === 0 ? ',' : `v${line},w`;
      lines.push(record);
      if (record !== '\r') expected.push(`${line},${record}\n`);
    }
    const text = `${lines.join('\r\n')}\r\n`;
    expect(scan(text).output).toBe(expected.join(''));
    expect(scan(text, { split: 1 }).output).toBe(expected.join(''));
  });

  it('bounds memory on a file with no line breaks', () => {
    const scanner = new CsvRecordScanner({ delimiter: ',', quote: '"', onHeader: () => 2 });
    scanner.push(new TextEncoder().encode('a,b\n'));
    scanner.push(new Uint8Array(2 << 20).fill(0x41));
    expect(scanner.malformed).toContain('longer than');
  });
});
