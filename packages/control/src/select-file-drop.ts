import type { TExecutor } from './control-context.ts';

/** Base query for file drops with their organisation code. */
export function selectFileDrops(executor: TExecutor) {
  return executor
    .selectFrom('file_drops')
    .innerJoin('organisations', 'organisations.id', 'file_drops.organisation_id')
    .selectAll('file_drops')
    .select('organisations.code as organisation_code');
}
