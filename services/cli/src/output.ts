/** Where command results go; `--json` switches every command to machine-readable output. */
export interface Output {
  json: boolean;
  /** Prints `value` as JSON, or `human()` as text. */
  result(value: unknown, human: () => string): void;
  info(line: string): void;
}

/** Creates the output for one command run. */
export function createOutput(
  json: boolean,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Output {
  return {
    json,
    result: (value, human) => write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`),
    info: (line) => {
      if (!json) write(`${line}\n`);
    },
  };
}

/** Renders rows as an aligned text table. */
export function formatTable(
  headers: string[],
  rows: (string | number | null | undefined)[][],
): string {
  const cells = [
    headers,
    ...rows.map((row) =>
      row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))),
    ),
  ];
  const widths = headers.map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? '').length)),
  );
  return cells
    .map((row) =>
      row
        .map((cell, column) => (cell ?? '').padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
