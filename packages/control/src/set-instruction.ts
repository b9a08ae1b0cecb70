import {
  AppError,
  parseInput,
  type TInstructionBodyInput,
  ZInstructionBody,
} from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TInstruction, toInstruction } from './instruction.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/** The row lock makes a clash unlikely; the unique constraint makes it harmless. */
const MAX_ATTEMPTS = 3;
const VERSION_CONSTRAINT = 'instructions_organisation_id_version_key';

/**
 * Records a new version (latest + 1) of a member's instruction and
 * `instruction.changed`. Versions are never updated: the table refuses it.
 * AppError not_found for an unknown organisation or a client-only one.
 *
 * @example
 * const v = await setInstruction(ctx, actor, 'M01', { purposes: ['targeting'], channels: ['postal'], … });
 */
export async function setInstruction(
  ctx: ControlContext,
  actor: TActor,
  memberCode: string,
  body: TInstructionBodyInput,
): Promise<TInstruction> {
  const parsed = parseInput(ZInstructionBody, body);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await ctx.db.transaction().execute(async (trx) => {
        // Locking the member row queues concurrent changes of one member's instruction.
        const member = await selectOrganisationRow(trx, memberCode, {
          forUpdate: true,
          memberOnly: true,
        });
        const latest = await trx
          .selectFrom('instructions')
          .select((eb) => eb.fn.max('version').as('version'))
          .where('organisation_id', '=', member.id)
          .executeTakeFirst();
        const previousVersion = latest?.version ?? null;
        const row = await trx
          .insertInto('instructions')
          .values({
            organisation_id: member.id,
            version: (previousVersion ?? 0) + 1,
            body: JSON.stringify(parsed),
            signed_by: parsed.signedBy,
            effective_from: parsed.effectiveFrom,
            created_at: ctx.clock(),
            created_by: actor.ref,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAuditEvent(trx, ctx.clock, {
          action: 'instruction.changed',
          actor,
          objectType: 'instruction',
          objectId: member.code,
          organisationCode: member.code,
          instructionVersion: row.version,
          // signedBy names a person: it stays in the instruction, out of the chain.
          details: { previousVersion, effectiveFrom: row.effective_from },
        });
        return toInstruction({ ...row, member_code: member.code });
      });
    } catch (error) {
      if (!isUniqueViolation(error, VERSION_CONSTRAINT)) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new AppError('conflict', `instruction of ${memberCode} changed concurrently`, {
          retry: true,
        });
      }
    }
  }
}
