import type { TServe } from './start-serve.ts';

/** One drop as `GET /v1/files` lists it (the fields tests and the demo read). */
export interface TDropView {
  id: string;
  fileName: string;
  organisationCode: string;
  status: string;
  rowCount: number | null;
  report?: Record<string, unknown> | null;
}

/**
 * Lists every drop through `GET /v1/files` (an operator token sees all members).
 *
 * @example
 * const drops = await listDrops(serve, operatorToken);
 */
export async function listDrops(serve: Pick<TServe, 'url'>, token: string): Promise<TDropView[]> {
  const response = await fetch(`${serve.url}/v1/files?limit=500`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`GET /v1/files answered ${response.status}`);
  return (await response.json()) as TDropView[];
}
