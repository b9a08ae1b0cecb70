import type { TInstructionBody } from '@alliage/domain';
import type { TExecutor } from './control-context.ts';

/** One immutable version of a member's documented instruction. */
export interface TInstruction {
  memberCode: string;
  version: number;
  body: TInstructionBody;
  signedBy: string;
  /** ISO date `YYYY-MM-DD` from which this version applies. */
  effectiveFrom: string;
  createdAt: Date;
  /** Audit actor ref of who recorded it (`principal:<uuid>`, `cli:<user>`…). */
  createdBy: string;
}

/**
 * A query for instruction versions with their member code; callers add `where`
 * and ordering. Rows go through `toInstruction`.
 *
 * @example
 * const rows = await selectInstructions(ctx.db).where('organisations.code', '=', 'M01').execute();
 */
export function selectInstructions(executor: TExecutor) {
  return executor
    .selectFrom('instructions')
    .innerJoin('organisations', 'organisations.id', 'instructions.organisation_id')
    .select([
      'organisations.code as member_code',
      'instructions.version',
      'instructions.body',
      'instructions.signed_by',
      'instructions.effective_from',
      'instructions.created_at',
      'instructions.created_by',
    ]);
}

export interface TInstructionRow {
  member_code: string;
  version: number;
  body: unknown;
  signed_by: string;
  effective_from: string;
  created_at: Date;
  created_by: string;
}

/** Maps a row of `selectInstructions` to its public shape. */
export function toInstruction(row: TInstructionRow): TInstruction {
  return {
    memberCode: row.member_code,
    version: row.version,
    // Written only by setInstruction after ZInstructionBody parsed it; the table is append-only.
    body: row.body as TInstructionBody,
    signedBy: row.signed_by,
    effectiveFrom: row.effective_from,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
