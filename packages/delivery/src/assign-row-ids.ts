import { AppError } from '@alliage/domain';

// Crockford base32: no I, L, O, U, so an ID read aloud or retyped is not misread.
const BASE32_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ROW_ID_RANDOM_CHARS = 10;
// 32^10 ≈ 10^15 IDs: a repeat within one delivery is already rare; a few tries settle it.
const MAX_ATTEMPTS_PER_ROW = 20;

/**
 * Gives every row of a delivery (seeds included) a fresh opaque row ID: `R` and 10
 * random Crockford base32 characters, unique within the delivery and unrelated to
 * the pool's person and household IDs or to any other delivery's row IDs.
 *
 * @example
 * const rows = assignRowIds(interleaveSeeds(extracted, seeds, random), random);
 * rows[0].rowId // 'R7KQ2M0XH4B'
 */
export function assignRowIds<TRow extends { rowId: string }>(
  rows: readonly TRow[],
  random: () => number,
): TRow[] {
  const used = new Set<string>();
  return rows.map((row) => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_ROW; attempt += 1) {
      const rowId = randomRowId(random);
      if (used.has(rowId)) continue;
      used.add(rowId);
      return { ...row, rowId };
    }
    // Only a broken random source (constant output) gets here.
    throw new AppError('internal', 'could not draw a unique row ID: the random source repeats');
  });
}

function randomRowId(random: () => number): string {
  let rowId = 'R';
  for (let index = 0; index < ROW_ID_RANDOM_CHARS; index += 1) {
    rowId += BASE32_ALPHABET[Math.floor(random() * BASE32_ALPHABET.length)];
  }
  return rowId;
}
