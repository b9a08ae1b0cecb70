import {
  AppError,
  type TFieldIssue,
  type TRepoussoirKind,
  type TRepoussoirValue,
} from '@alliage/domain';
import { hashRepoussoirValue } from './hash-repoussoir-value.ts';

/** A refused import lists at most this many bad entries (and says how many more there were). */
const MAX_LISTED_ISSUES = 100;

/**
 * Normalises each contact point with `repoussoirKey` (exactly as member data) and hashes it
 * with the platform HMAC secret. All or nothing: any value that cannot be normalised throws
 * validation_failed listing each one at `pathOf(index)` with the reason, never the value.
 *
 * @example
 * hashRepoussoirValues(secret, [{ kind: 'phone', value: '06.12.34.56.78' }], (i) => `entries.${i}.value`)
 * // [{ kind: 'phone', hmac: '…64 hex…' }]
 */
export function hashRepoussoirValues(
  hmacSecret: string,
  values: readonly TRepoussoirValue[],
  pathOf: (index: number) => string,
): { kind: TRepoussoirKind; hmac: string }[] {
  const hashed: { kind: TRepoussoirKind; hmac: string }[] = [];
  const issues: TFieldIssue[] = [];
  values.forEach((entry, index) => {
    const result = hashRepoussoirValue(hmacSecret, entry);
    if (result.ok) hashed.push({ kind: result.kind, hmac: result.hmac });
    else issues.push({ path: pathOf(index), message: result.reason });
  });
  if (issues.length === 0) return hashed;
  const listed = issues.slice(0, MAX_LISTED_ISSUES);
  if (issues.length > listed.length) {
    listed.push({
      path: '(more)',
      message: `${issues.length - listed.length} more values cannot be normalised`,
    });
  }
  throw new AppError(
    'validation_failed',
    issues.length === 1
      ? `${issues[0]?.path}: ${issues[0]?.message}`
      : `${issues.length} values cannot be normalised; nothing was added`,
    { fields: listed },
  );
}
