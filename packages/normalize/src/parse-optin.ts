import { fieldError, fieldOk, type TFieldResult } from './field-result.ts';

const CONSENT_WORDS = new Set(['1', 'true', 'oui', 'o', 'yes', 'y', 'vrai', 'x']);
const REFUSAL_WORDS = new Set(['0', 'false', 'non', 'n', 'no', 'faux']);

/**
 * Reads a consent flag; a missing column or a blank cell means no consent.
 *
 * @example
 * parseOptin('Oui') // { ok: true, value: true }
 */
export function parseOptin(raw: string | undefined): TFieldResult<boolean> {
  const word = (raw ?? '').trim().toLowerCase();
  if (word === '' || REFUSAL_WORDS.has(word)) return fieldOk(false);
  if (CONSENT_WORDS.has(word)) return fieldOk(true);
  return fieldError('expected yes/no (1/0, oui/non, true/false)');
}
