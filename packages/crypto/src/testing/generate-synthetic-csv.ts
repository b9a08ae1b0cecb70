const HEADER =
  'customer_id;civility;first_name;last_name;street;postcode;city;email;phone_mobile;optin_email\n';
const FIRST_NAMES = ['TESTJEAN', 'TESTMARIE', 'TESTLUC', 'TESTANNE', 'TESTPAUL', 'TESTCLAIRE'];
const LAST_NAMES = ['EXEMPLE', 'FICTIF', 'ESSAI', 'MODELE', 'PROTOTYPE', 'MAQUETTE'];
const CHUNK_TARGET_BYTES = 1 << 20;

/**
 * Yields about `totalBytes` of a member-like customer CSV made of obviously fake
 * rows (names prefixed TEST, `example.invalid` emails), in ~1 MiB chunks, without
 * holding the file: for size and memory tests and the decryption benchmark. Varied
 * enough that it compresses like a real export (about 4:1), deterministic per seed.
 *
 * @example
 * for await (const chunk of generateSyntheticCsv(300 * 2 ** 20)) gpg.stdin.write(chunk);
 */
export async function* generateSyntheticCsv(
  totalBytes: number,
  seed = 1,
): AsyncGenerator<Buffer, void, undefined> {
  let state = seed >>> 0 || 1;
  // xorshift32: cheap, deterministic, good enough to defeat trivial compression.
  const next = (bound: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % bound;
  };
  let written = 0;
  let row = 0;
  let lines: string[] = [HEADER];
  let pending = HEADER.length;
  while (written < totalBytes) {
    row += 1;
    const line = `T${String(row).padStart(9, '0')};${next(2) ? 'M' : 'MME'};${FIRST_NAMES[next(6)]};${LAST_NAMES[next(6)]};${1 + next(200)} RUE DE TEST ${next(900)};${10000 + next(85000)};VILLE TEST ${next(5000)};test.${row}@example.invalid;06${String(next(100_000_000)).padStart(8, '0')};${next(2)}\n`;
    lines.push(line);
    pending += line.length;
    if (pending >= CHUNK_TARGET_BYTES || written + pending >= totalBytes) {
      const chunk = Buffer.from(lines.join(''), 'latin1');
      written += chunk.length;
      lines = [];
      pending = 0;
      yield chunk;
    }
  }
}
