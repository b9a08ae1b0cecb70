import { createReadStream, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TWarehouse } from './open-warehouse.ts';

/** What a byte search of the pool's files found. */
export interface TPoolFileSearch {
  /** Files read: the pool file, its WAL and spill files when present. */
  filesSearched: number;
  bytesSearched: number;
  /** The searched values present in some file's bytes (for the caller to judge; never log them). */
  found: string[];
}

const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Searches the raw bytes of the pool's files on disk (the DuckDB file, its
 * WAL, and any spill file) for each value in UTF-8, streaming chunk by chunk
 * with an overlap so a value split across two chunks is still found. Only
 * meaningful for an unencrypted pool whose strings are stored uncompressed
 * (right after compactWarehouse); an encrypted file hides everything.
 *
 * @example
 * const { found } = await findValuesInPoolFiles(warehouse, ['jean.dupont@example.org']);
 */
export async function findValuesInPoolFiles(
  warehouse: TWarehouse,
  values: readonly string[],
): Promise<TPoolFileSearch> {
  const needles = [...new Set(values)]
    .filter((value) => value.length > 0)
    .map((value) => ({ value, bytes: Buffer.from(value, 'utf8') }));
  const found = new Set<string>();
  const files = await poolFiles(warehouse.databasePath);
  const overlap = Math.max(0, ...needles.map((needle) => needle.bytes.length - 1));
  let bytesSearched = 0;
  for (const file of files) {
    let tail = Buffer.alloc(0);
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
      const bytes = chunk as Buffer;
      bytesSearched += bytes.length;
      const window = tail.length > 0 ? Buffer.concat([tail, bytes]) : bytes;
      for (const needle of needles) {
        if (!found.has(needle.value) && window.includes(needle.bytes)) found.add(needle.value);
      }
      tail = Buffer.from(window.subarray(Math.max(0, window.length - overlap)));
    }
  }
  return { filesSearched: files.length, bytesSearched, found: [...found] };
}

async function poolFiles(databasePath: string): Promise<string[]> {
  if (databasePath === ':memory:') return [];
  const files = [databasePath, `${databasePath}.wal`].filter((file) => existsSync(file));
  const spill = path.join(path.dirname(databasePath), 'spill');
  if (existsSync(spill)) {
    for (const entry of await readdir(spill, { withFileTypes: true })) {
      if (entry.isFile()) files.push(path.join(spill, entry.name));
    }
  }
  return files;
}
