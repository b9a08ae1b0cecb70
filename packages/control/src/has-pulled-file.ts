import type { ControlContext } from './control-context.ts';

/** A file on a member's server, identified as the puller sees it in a listing. */
export interface TRemoteFile {
  organisationId: string;
  /** Path on the member's server (its `remote_dir` joined with the name). */
  remotePath: string;
  remoteSize: number;
  remoteMtime: Date;
}

/**
 * True when this very file (same path, size and modification time) was fetched
 * before; a replaced file (new size or time) is fetched again.
 *
 * @example
 * if (await hasPulledFile(ctx, { organisationId, remotePath: '/out/M01_customers.csv.pgp', remoteSize, remoteMtime })) skipped += 1;
 */
export async function hasPulledFile(ctx: ControlContext, file: TRemoteFile): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('pulled_files')
    .select('file_drop_id')
    .where('organisation_id', '=', file.organisationId)
    .where('remote_path', '=', file.remotePath)
    .where('remote_size', '=', file.remoteSize)
    .where('remote_mtime', '=', file.remoteMtime)
    .executeTakeFirst();
  return row !== undefined;
}
