import {
  BIGINT,
  DOUBLE,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  LIST,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';

/** The value kinds a compiled selection binds. */
export type TParameterKind = 'varchar' | 'integer' | 'bigint' | 'double' | 'varchar_list';

const TYPES: Record<TParameterKind, DuckDBType> = {
  varchar: VARCHAR,
  integer: INTEGER,
  bigint: BIGINT,
  double: DOUBLE,
  varchar_list: LIST(VARCHAR),
};

/**
 * Collects the bound parameters of a compiled selection: `add` returns the
 * placeholder to put in the SQL text, the value goes to DuckDB separately (so a
 * criterion value can never become SQL).
 *
 * @example
 * const parameters = new SelectionParameters();
 * const sql = `WHERE category = ${parameters.add('varchar', criterion.category)}`;
 */
export class SelectionParameters {
  readonly values: Record<string, DuckDBValue> = {};
  readonly types: Record<string, DuckDBType> = {};
  private next = 0;

  add(kind: 'varchar', value: string | null): string;
  add(kind: 'integer' | 'bigint' | 'double', value: number): string;
  add(kind: 'varchar_list', value: readonly (string | null)[]): string;
  add(kind: TParameterKind, value: string | number | null | readonly (string | null)[]): string {
    const name = `p${this.next++}`;
    if (kind === 'varchar_list') {
      this.values[name] = listValue([...(value as readonly (string | null)[])]);
    } else if (kind === 'bigint') {
      this.values[name] = BigInt(value as number);
    } else {
      this.values[name] = value as string | number | null;
    }
    this.types[name] = TYPES[kind];
    return `$${name}`;
  }
}
