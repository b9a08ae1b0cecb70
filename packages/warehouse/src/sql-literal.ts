/**
 * Quotes a string as a SQL literal. Only for values DuckDB cannot bind as
 * parameters (ATTACH options, file paths of read_csv); everything else is bound.
 *
 * @example
 * sqlString("l'école") // "'l''école'"
 */
export function sqlString(value: string): string {
  if (value.includes('\u0000')) throw new Error('a SQL literal cannot contain NUL');
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Quotes an identifier (table or column name).
 *
 * @example
 * sqlIdentifier('stage_raw') // '"stage_raw"'
 */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
