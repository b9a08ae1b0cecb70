import { z } from 'zod';
import type { TJobName } from './job-catalog.ts';

/**
 * A caller's job key: a file SHA-256, a selection UUID. Restricted to characters
 * that are safe in Redis keys and that BullMQ accepts in custom ids (no `:`).
 */
export const ZJobId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'must be 1-200 of A-Z a-z 0-9 . _ - (no colon)');

/**
 * The id a job is stored under: scoped by job name, so one file's SHA-256 can key
 * both its intake job and, say, a later re-scan without one swallowing the other.
 */
export function toStoredJobId(name: TJobName, jobId: string): string {
  return `${name}/${jobId}`;
}

/** The caller's `jobId` back from a stored id (the inverse of `toStoredJobId`). */
export function fromStoredJobId(storedJobId: string): string {
  return storedJobId.slice(storedJobId.indexOf('/') + 1);
}
