import type { TDialectProfile } from './dialect-profile.ts';
import { canonicalColumns, OPTIONAL_CUSTOMER_COLUMNS, type TDropFileKind } from './member-file.ts';

/** Header names (lower case) a file may use besides the canonical ones, whatever its dialect. */
const BUILT_IN_ALIASES: Record<TDropFileKind, Record<string, string>> = {
  customers: {},
  transactions: {},
  optouts: { type: 'kind' },
};

/** Columns a file of each kind may leave out. */
const OPTIONAL_COLUMNS: Record<TDropFileKind, readonly string[]> = {
  customers: OPTIONAL_CUSTOMER_COLUMNS,
  transactions: [],
  optouts: ['scope'],
};

/** A header problem: which column (1-based) and why; never a data value. */
export interface THeaderIssue {
  column: number | null;
  reason: string;
}

export interface THeaderCheck {
  /** Canonical column name per file column, in file order. */
  columns: string[];
  issues: THeaderIssue[];
}

/**
 * Maps a file's header to canonical columns with the member's dialect profile
 * and lists what is wrong: unknown or repeated headers, missing required columns.
 *
 * @example
 * checkFileHeader(['NOM', 'customer_id'], 'customers', profile).issues
 */
export function checkFileHeader(
  header: readonly string[],
  kind: TDropFileKind,
  profile: TDialectProfile,
): THeaderCheck {
  // Dialect profiles map the pool files' headers; an opt-out list uses canonical names.
  // Maps, not plain objects: a header named `constructor` or `__proto__` must not match
  // what every object inherits.
  const mapping = new Map(Object.entries(kind === 'optouts' ? {} : profile.headers[kind]));
  const aliases = new Map(Object.entries(BUILT_IN_ALIASES[kind]));
  const known = new Set(canonicalColumns(kind));
  const issues: THeaderIssue[] = [];
  const columns: string[] = [];
  const seen = new Map<string, number>();
  header.forEach((rawName, index) => {
    const name = rawName.replace(/^\uFEFF/, '').trim();
    const lower = name.toLowerCase();
    const canonical =
      mapping.get(name) ?? (known.has(lower) ? lower : (aliases.get(lower) ?? null));
    const column = index + 1;
    if (!canonical) {
      issues.push({
        column,
        // Never the cell's text: a file without its header line has a customer's row here.
        reason:
          kind === 'optouts'
            ? `unknown header (expected ${[...known].join(', ')}; type may stand for kind)`
            : 'unknown header (not a canonical column nor mapped in the dialect profile)',
      });
      columns.push('');
      return;
    }
    const previous = seen.get(canonical);
    if (previous !== undefined) {
      issues.push({ column, reason: `column ${canonical} repeats column ${previous}` });
    }
    seen.set(canonical, column);
    columns.push(canonical);
  });
  if (header.length > 0 && seen.size === 0) {
    // Listing every column as unknown and every one as missing would hide the point.
    const reason = 'no cell of the first line is a known column: the header line may be missing';
    return { columns, issues: [{ column: null, reason }] };
  }
  for (const required of canonicalColumns(kind)) {
    if (OPTIONAL_COLUMNS[kind].includes(required)) continue;
    if (!seen.has(required))
      issues.push({ column: null, reason: `missing required column ${required}` });
  }
  return { columns, issues };
}
