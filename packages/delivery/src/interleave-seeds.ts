/**
 * Mixes the seed records into the delivery: every row, seeds included, ends up at a
 * uniformly random position (Fisher–Yates). The real rows are shuffled too, because
 * a seed dropped into an otherwise sorted extraction (by postcode, by name) would
 * stand out by breaking the order.
 *
 * @example
 * const mixed = interleaveSeeds(extractedRows, seeds, createSecureRandom());
 */
export function interleaveSeeds<TRow>(
  rows: readonly TRow[],
  seeds: readonly TRow[],
  random: () => number,
): TRow[] {
  const mixed = [...rows, ...seeds];
  for (let index = mixed.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const held = mixed[index]!;
    mixed[index] = mixed[other]!;
    mixed[other] = held;
  }
  return mixed;
}
