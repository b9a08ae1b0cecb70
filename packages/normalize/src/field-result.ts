/** The outcome of normalising one field: a value, or a reason that never quotes the input. */
export type TFieldResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * A successful field result.
 *
 * @example
 * fieldOk('M') // { ok: true, value: 'M' }
 */
export function fieldOk<T>(value: T): TFieldResult<T> {
  return { ok: true, value };
}

/**
 * A failed field result; the reason says why, never what the field held.
 *
 * @example
 * fieldError('impossible date')
 */
export function fieldError(reason: string): TFieldResult<never> {
  return { ok: false, reason };
}
