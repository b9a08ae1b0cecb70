/** DuckDB's messages start with their exception type: "Out of Memory Error: …". */
const DUCKDB_ERROR_TYPE = /^([A-Za-z][A-Za-z ]{0,40}?) Error: /;

/**
 * The exception type a DuckDB error names at the start of its message ("Out of Memory",
 * "IO", "TransactionContext", "Invalid Input"…), or `unknown`. Only the type is safe to
 * repeat: the rest of a message may quote a value or a line of a member's file.
 *
 * @example
 * duckdbErrorType(new Error('Out of Memory Error: failed to allocate …')) // 'Out of Memory'
 */
export function duckdbErrorType(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  return DUCKDB_ERROR_TYPE.exec(message)?.[1] ?? 'unknown';
}
