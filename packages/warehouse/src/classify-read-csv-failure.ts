import { duckdbErrorType } from './duckdb-error-type.ts';

/** The types DuckDB's CSV reader raises about the text it read (field count, quoting, unicode, conversion). */
const CONTENT_ERROR_TYPES = new Set(['Invalid Input', 'Conversion']);
/**
 * The format auto-detection's failures (no dialect fits, a header shorter than the rows)
 * are about the content too, but carry no "CSV Error": "Error when sniffing file …".
 */
const SNIFFER_ERROR = 'Invalid Input Error: Error when sniffing file';

/**
 * Why DuckDB's `read_csv` failed: the file's fault (a permanent rejection, with what
 * is wrong and near which record), or not (out of memory or temp space, I/O,
 * interrupted, closed), with only DuckDB's error type — the rest of a message may
 * quote a line of the file.
 */
export type TReadCsvFailure =
  | { fileAtFault: true; reason: string }
  | { fileAtFault: false; errorType: string };

/**
 * Sorts an error of DuckDB's CSV reader. Only an error about the content ("CSV Error
 * on Line: …", of type Invalid Input or Conversion, or the format auto-detection's
 * "Error when sniffing file") is the file's; anything else may succeed on a retry, and
 * rejecting the file for it would tell its sender a sound file is broken.
 *
 * @example
 * const failure = classifyReadCsvFailure(error);
 * if (failure.fileAtFault) staged.malformed = failure.reason;
 */
export function classifyReadCsvFailure(error: unknown): TReadCsvFailure {
  const message = error instanceof Error ? error.message : '';
  const errorType = duckdbErrorType(error);
  if (message.startsWith(SNIFFER_ERROR)) {
    return {
      fileAtFault: true,
      reason: 'the file’s CSV dialect (delimiter, quoting, header) could not be detected',
    };
  }
  if (!CONTENT_ERROR_TYPES.has(errorType) || !message.includes('CSV Error')) {
    return { fileAtFault: false, errorType: `${errorType} error` };
  }
  if (/unicode|utf-?8/i.test(message)) {
    return { fileAtFault: true, reason: 'the file is not valid UTF-8 text' };
  }
  const line = /line[: ]+(\d+)/i.exec(message)?.[1];
  return {
    fileAtFault: true,
    reason: `the file is not valid CSV${line ? ` near record ${line}` : ''}`,
  };
}
