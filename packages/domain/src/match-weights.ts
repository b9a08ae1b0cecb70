/**
 * Fellegi–Sunter match weights, in bits: for each comparison level,
 * log2(m / u) where m is the share of true matches showing that level and u the
 * share of non-matches (among blocked candidate pairs) showing it. A pair links
 * when its summed weight reaches `MATCH_THRESHOLD`. How the figures were
 * obtained, and how to re-estimate them, is in docs/identity-resolution.md.
 * Versioned: a change of weights is a new `MATCH_MODEL_VERSION`.
 */
export const MATCH_MODEL_VERSION = 1;

export const MATCH_WEIGHTS = {
  first_name: { exact: 4, close: 2.5, initial: 1, fuzzy: 0.5, missing: 0, different: -4 },
  last_name: { exact: 6, phonetic: 4, close: 3, missing: 0, different: -6 },
  birth_date: { exact: 9, near: 3, missing: 0, different: -6 },
  email: { exact: 10, missing: 0, different: -1 },
  phone_mobile: { exact: 10, missing: 0, different: -1 },
  phone_landline: { exact: 5, missing: 0, different: -0.5 },
  address: { dwelling: 4, address: 3, commune: 1, missing: 0, different: -2 },
  civility: { same: 0.5, missing: 0, different: -5 },
} as const;

export type TMatchComparison = keyof typeof MATCH_WEIGHTS;

/** Summed weight at or above which a candidate pair is a link. */
export const MATCH_THRESHOLD = 12;

/** Jaro–Winkler bands of the `close` and `fuzzy` name levels. */
export const NAME_SIMILARITY_BANDS = { close: 0.92, fuzzy: 0.8 } as const;

/**
 * The match weight of one pair from its comparison levels (the SQL scoring
 * compiles the same table into CASE expressions).
 *
 * @example
 * matchWeight({ first_name: 'exact', last_name: 'exact', birth_date: 'exact' }) // 19
 */
export function matchWeight(levels: Partial<Record<TMatchComparison, string>>): number {
  let total = 0;
  for (const [comparison, level] of Object.entries(levels)) {
    const table = MATCH_WEIGHTS[comparison as TMatchComparison] as Record<string, number>;
    const weight = level === undefined ? undefined : table[level];
    if (weight === undefined) throw new Error(`unknown level ${level} of ${comparison}`);
    total += weight;
  }
  return total;
}
