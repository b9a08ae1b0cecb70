import { AppError } from '@alliage/domain';
import express, { type Request, type Response } from 'express';

/** A body limit as the configuration writes it: `100kb`, `4mb`, `512b`. */
export const BODY_LIMIT_PATTERN = /^(\d+)(b|kb|mb)$/i;

const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** Reads and parses the JSON body of one request; resolves to `req.body`. */
export type TJsonBodyReader = (req: Request, res: Response) => Promise<unknown>;

/**
 * `100kb` → 102400 (the units of Express's parser: 1 kb = 1024 bytes).
 *
 * @example
 * bodyLimitBytes('4mb') // 4194304
 */
export function bodyLimitBytes(limit: string): number {
  const match = BODY_LIMIT_PATTERN.exec(limit);
  if (!match) throw new AppError('internal', 'a body limit must look like 100kb or 1mb');
  return Number(match[1]) * (UNIT_BYTES[(match[2] ?? 'b').toLowerCase()] ?? 1);
}

/**
 * A reader of JSON bodies up to `limit`, for a route to call once the caller is
 * authenticated and authorised: nothing reads a body before that, so an anonymous or
 * refused request never makes the API buffer or parse megabytes. A declared length
 * above the limit is refused (413) before a byte is read: Express's parser would read
 * the whole body first, to discard it. A body without a declared length (chunked) is
 * refused as soon as its bytes pass the limit: Express's parser would again read the
 * rest to discard it, and answer only once the caller stops sending — never, for a
 * caller that does not. The error handler then closes the connection.
 *
 * @example
 * const readBody = createJsonBodyReader('4mb');
 * const body = await readBody(req, res);
 */
export function createJsonBodyReader(limit: string): TJsonBodyReader {
  const maxBytes = bodyLimitBytes(limit);
  const parse = express.json({ limit: maxBytes });
  return (req, res) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      return Promise.reject(tooLarge());
    }
    // The client waits for this before it sends the body (start-api-server holds it back).
    if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
    return new Promise((resolve, reject) => {
      // Counts the bytes as they arrive, before the parser sees them (compressed bytes,
      // for a compressed body: the parser bounds what they inflate to).
      let received = 0;
      const countBytes = (chunk: Buffer) => {
        received += chunk.length;
        if (received <= maxBytes) return;
        req.off('data', countBytes);
        reject(tooLarge());
      };
      req.on('data', countBytes);
      parse(req, res, (error?: unknown) => {
        req.off('data', countBytes);
        if (error) reject(error);
        else resolve(req.body);
      });
    });
  };
}

function tooLarge(): AppError {
  return new AppError('payload_too_large', 'the request body is larger than this route accepts');
}
