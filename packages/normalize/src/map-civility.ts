import { fieldError, fieldOk, type TFieldResult } from './field-result.ts';
import { foldText } from './fold-text.ts';

/** The two civilities the pool keeps: mademoiselle is recorded as madame. */
export type TCivility = 'M' | 'MME';

// Keys are folded with spaces removed, so "M.", "Mr.", "Mme." and "M R" all find their entry.
const CIVILITY_BY_FOLDED_WORD: ReadonlyMap<string, TCivility> = new Map([
  ['M', 'M'],
  ['MR', 'M'],
  ['MONSIEUR', 'M'],
  ['MME', 'MME'],
  ['MADAME', 'MME'],
  ['MLLE', 'MME'],
  ['MELLE', 'MME'],
  ['MADEMOISELLE', 'MME'],
]);

/**
 * Maps a civility as typed to 'M' or 'MME'; null when blank.
 *
 * @example
 * mapCivility('Mlle.') // { ok: true, value: 'MME' }
 */
export function mapCivility(raw: string): TFieldResult<TCivility | null> {
  if (raw.trim() === '') return fieldOk(null);
  const civility = CIVILITY_BY_FOLDED_WORD.get(foldText(raw).replaceAll(' ', ''));
  return civility === undefined ? fieldError('unknown civility') : fieldOk(civility);
}
