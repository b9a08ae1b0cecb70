/**
 * Every character `String.prototype.trim` strips from either end (ECMAScript's
 * WhiteSpace and LineTerminator): the row schemas trim fields with it. The bulk path's
 * plain DuckDB `trim` strips Unicode spaces (Zs) only, and `trim(value, characters)`
 * costs ~5× as much; so staging trims with this set only the records the CSV scanner
 * saw holding one of the others (tab, a quoted line break, U+2028, U+2029, U+FEFF), and
 * a field edged with any of them gets the same verdict on both paths.
 *
 * @example
 * `trim(street, ${sqlString(TRIMMED_WHITESPACE)})`
 */
export const TRIMMED_WHITESPACE =
  '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
