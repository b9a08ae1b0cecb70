/** What the guards read of a member record (normalised forms). */
export interface TIdentityGuardFields {
  civility: 'M' | 'MME' | null;
  /** `normalizePersonName(...).match` of the first name. */
  firstNameKey: string | null;
  /** ISO date. */
  birthDate: string | null;
}

/**
 * Whether two member records certainly describe different people, whatever
 * else they share: different civilities; first names that are neither equal, a
 * one-letter typo of each other (a feminine form is no typo) nor an initial of the
 * other (twins, couples sharing an email); or birth dates that are neither
 * equal nor one typo apart (father and son with the same name at the same
 * address). Records so guarded are never put in the same person, even through
 * a third record.
 *
 * @example
 * identityConflict({ civility: 'M', firstNameKey: 'PAUL', birthDate: '1960-02-01' },
 *   { civility: 'M', firstNameKey: 'PAUL', birthDate: '1988-02-01' }) // true
 */
export function identityConflict(a: TIdentityGuardFields, b: TIdentityGuardFields): boolean {
  if (a.civility && b.civility && a.civility !== b.civility) return true;
  if (a.firstNameKey && b.firstNameKey && !firstNamesCompatible(a.firstNameKey, b.firstNameKey)) {
    return true;
  }
  if (a.birthDate && b.birthDate && !birthDatesCompatible(a.birthDate, b.birthDate)) return true;
  return false;
}

/**
 * First names that may be the same person's: equal, an initial, or one edit
 * apart (a typo). A shortened compound name (JEAN / JEANFRANCOIS) is NOT: twins
 * are named that way too, and a wrong merge hurts more than a missed one. Nor are
 * a name and its feminine form one letter away (MICHEL / MICHELE, LOUIS / LOUISE,
 * RENE / RENEE, MARIO / MARIA): a couple sharing an email, or twins, when neither
 * record gives a civility.
 *
 * @example
 * firstNamesCompatible('MARIE', 'MARIA') // true
 * firstNamesCompatible('DANIEL', 'DANIELE') // false
 */
export function firstNamesCompatible(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length === 1 || b.length === 1) return a[0] === b[0];
  if (genderedForms(a, b)) return false;
  return withinOneEdit(a, b);
}

/**
 * A first name and its other-gender form one letter away: a final `E` added
 * (MICHEL / MICHELE, ANDRE / ANDREE) or a final `O` for an `A` (MARIO / MARIA,
 * ANTONIO / ANTONIA). Keys are the match forms (upper case, no accents).
 */
function genderedForms(a: string, b: string): boolean {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  if (shorter.length < 3) return false;
  if (longer.length === shorter.length + 1) return longer === `${shorter}E`;
  if (longer.length !== shorter.length) return false;
  const stem = shorter.slice(0, -1);
  const finals = new Set([shorter.at(-1), longer.at(-1)]);
  return longer.startsWith(stem) && finals.has('A') && finals.has('O');
}

/**
 * Birth dates that may be the same person's: equal, day and month swapped, or
 * one typo in the day, the month or the last digit of the year.
 *
 * @example
 * birthDatesCompatible('1980-03-12', '1980-12-03') // true
 */
export function birthDatesCompatible(a: string, b: string): boolean {
  if (a === b) return true;
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  if (ya === yb && ma === db && da === mb) return true;
  if (ya === yb && ma === mb) return oneDigitApart(da ?? '', db ?? '');
  if (ya === yb && da === db) return oneDigitApart(ma ?? '', mb ?? '');
  if (ma === mb && da === db) return (ya ?? '').slice(0, 3) === (yb ?? '').slice(0, 3);
  return false;
}

function oneDigitApart(a: string, b: string): boolean {
  let differences = 0;
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    if (a[index] !== b[index]) differences += 1;
  }
  return differences <= 1;
}

/** Levenshtein distance ≤ 1, or one transposition of neighbours. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const differing: number[] = [];
    for (let index = 0; index < a.length; index++) {
      if (a[index] !== b[index]) differing.push(index);
      if (differing.length > 2) return false;
    }
    if (differing.length <= 1) return true;
    const [first, second] = differing as [number, number];
    return second === first + 1 && a[first] === b[second] && a[second] === b[first];
  }
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  let skipped = false;
  for (let i = 0, j = 0; i < shorter.length; j++) {
    if (shorter[i] === longer[j]) {
      i++;
      continue;
    }
    if (skipped) return false;
    skipped = true;
  }
  return true;
}
