import { listDrops, type TDropView } from './list-drops.ts';
import type { TServe } from './start-serve.ts';

/**
 * Polls `GET /v1/files` until every named drop satisfies `isDone` (default: finished,
 * i.e. neither received nor processing); throws with serve's output tail otherwise.
 *
 * @example
 * const drops = await waitForDrops({ serve, token, fileNames: ['M01_customers_1.csv.pgp'] });
 */
export async function waitForDrops(options: {
  serve: TServe;
  token: string;
  fileNames: string[];
  timeoutMs?: number;
  isDone?: (drop: TDropView) => boolean;
}): Promise<Map<string, TDropView>> {
  const isDone =
    options.isDone ?? ((drop) => drop.status !== 'received' && drop.status !== 'processing');
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let seen = new Map<string, TDropView>();
  while (Date.now() < deadline) {
    const drops = await listDrops(options.serve, options.token);
    seen = new Map(
      drops
        .filter((drop) => options.fileNames.includes(drop.fileName))
        .map((drop) => [drop.fileName, drop]),
    );
    if (options.fileNames.every((name) => seen.has(name) && isDone(seen.get(name) as TDropView)))
      return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const states = options.fileNames.map((name) => `${name}: ${seen.get(name)?.status ?? 'unseen'}`);
  throw new Error(
    `drops not done in time (${states.join(', ')}):\n${options.serve.output().slice(-3000)}`,
  );
}
