import { z } from 'zod';

/**
 * The one job catalog: each job name maps to the zod schema of its payload.
 * Payloads carry IDs only, so queue storage and logs never hold personal data.
 *
 * @example
 * await queue.enqueue('intake.process-file', { fileDropId }, { jobId: sha256 });
 */
export const JOB_CATALOG = {
  'intake.process-file': z.object({ fileDropId: z.uuid() }).strict(),
  'housekeeping.dispatch-pending': z.object({}).strict(),
  /** The daily pool pass: retention purge and what it changes (identities, households, segments). */
  'housekeeping.pool': z.object({ day: z.iso.date() }).strict(),
  /** The daily drop-store pass: deletes the encrypted files of drops finished past their retention. */
  'housekeeping.drop-files': z.object({ day: z.iso.date() }).strict(),
  /**
   * Catches the pool's repoussoir mirror up with the control plane and marks the persons
   * again (keyed by the list's epoch and version, so each change is caught up once, off
   * the path of a drop or a count: a national list brings millions of changes).
   */
  'pool.repoussoir-sync': z.object({ version: z.number().int().min(0) }).strict(),
  /** Extracts, encrypts and writes the delivery of an approved selection (idempotent per selection). */
  'delivery.build': z.object({ selectionId: z.uuid() }).strict(),
  /** Pushes a written delivery to its client's own SFTP server (push target), checked before its rename. */
  'delivery.push': z.object({ deliveryId: z.uuid() }).strict(),
  /** Deletes delivery files past their expiry (hourly, keyed by the hour). */
  'housekeeping.deliveries': z
    .object({ hour: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/) })
    .strict(),
} as const;

export type TJobName = keyof typeof JOB_CATALOG;
export type TJobPayload<N extends TJobName> = z.infer<(typeof JOB_CATALOG)[N]>;

/** The job names, for schemas and checks of names read back from storage. */
export const JOB_NAMES = Object.keys(JOB_CATALOG) as TJobName[];

/** What a handler learns about the job it runs, besides its payload. */
export interface TJobContext<N extends TJobName = TJobName> {
  /** The `jobId` given to `enqueue` (unique per job name). */
  id: string;
  /** 1 for the first run; counts every start, including runs cut short by a crash. */
  attempt: number;
  name: N;
}

/** One handler per job name; a worker may handle a subset (other jobs then fail permanently). */
export type TJobHandlers = {
  [N in TJobName]?: (payload: TJobPayload<N>, job: TJobContext<N>) => Promise<void>;
};

/** True when `name` is a job of the catalog (names read back from Redis are plain strings). */
export function isJobName(name: string): name is TJobName {
  return Object.hasOwn(JOB_CATALOG, name);
}
