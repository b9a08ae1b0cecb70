import {
  type TRepoussoirScope,
  type TRepoussoirValue,
  ZRepoussoirScope,
  ZRepoussoirValue,
} from './repoussoir.ts';

/** One valid line of an opt-out list: the contact point in clear and the channels it closes. */
export interface TOptoutRow extends TRepoussoirValue {
  scope: TRepoussoirScope;
}

/** Why a line of an opt-out list is refused: the canonical column and the reason, never the value. */
export interface TOptoutRowIssue {
  column: string;
  reason: string;
}

const ZOptoutRow = ZRepoussoirValue.extend({ scope: ZRepoussoirScope }).strict();

function reasonFor(column: string, issue: { code: string; message: string }): string {
  if (column === 'kind') return `must be one of ${ZRepoussoirValue.shape.kind.options.join(', ')}`;
  if (column === 'scope')
    return `must be one of ${ZRepoussoirScope.options.join(', ')} (or empty for all)`;
  // zod's messages for a string say only its expected length, never what it holds.
  return issue.code === 'too_small' ? 'is empty' : issue.message;
}

/**
 * Checks one data line of an `optouts` file against the repoussoir contract
 * (`ZRepoussoirValue` plus a scope): `kind` and `scope` are read case-insensitively,
 * an empty or absent `scope` means `all`. The value is kept as given (the platform
 * normalises it when hashing). Issues name the column, never the value.
 *
 * @example
 * parseOptoutRow(['Email', 'a@b.fr', ''], ['kind', 'value', 'scope'])
 * // { ok: true, row: { kind: 'email', value: 'a@b.fr', scope: 'all' } }
 */
export function parseOptoutRow(
  fields: readonly string[],
  columns: readonly string[],
): { ok: true; row: TOptoutRow } | { ok: false; issues: TOptoutRowIssue[] } {
  const cell = (column: string) => {
    const index = columns.indexOf(column);
    return index < 0 ? '' : (fields[index] ?? '');
  };
  const scope = cell('scope').trim().toLowerCase();
  const parsed = ZOptoutRow.safeParse({
    kind: cell('kind').trim().toLowerCase(),
    value: cell('value'),
    scope: scope === '' ? 'all' : scope,
  });
  if (parsed.success) return { ok: true, row: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => {
      const column = String(issue.path[0] ?? 'value');
      return { column, reason: reasonFor(column, issue) };
    }),
  };
}
