import { AppError, parseInput, type TOrganisationInput, ZOrganisationInput } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import { type TOrganisation, toOrganisation } from './organisation.ts';

/**
 * Registers an organisation (member, client or both) and records
 * `organisation.created`. A duplicate code is AppError conflict.
 *
 * @example
 * await createOrganisation(ctx, actor, { code: 'M01', name: 'Maison', kind: 'member', sector: 'equipement_maison' });
 */
export async function createOrganisation(
  ctx: ControlContext,
  actor: TActor,
  input: TOrganisationInput,
): Promise<TOrganisation> {
  const fields = parseInput(ZOrganisationInput, input);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const now = ctx.clock();
      const row = await trx
        .insertInto('organisations')
        .values({
          code: fields.code,
          name: fields.name,
          kind: fields.kind,
          sector: fields.sector,
          status: fields.status,
          contract_start: fields.contractStart,
          contract_end: fields.contractEnd,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAuditEvent(trx, ctx.clock, {
        action: 'organisation.created',
        actor,
        objectType: 'organisation',
        objectId: row.id,
        organisationCode: row.code,
        details: { kind: row.kind, sector: row.sector, status: row.status },
      });
      return toOrganisation(row);
    });
  } catch (error) {
    // The unique constraint decides, so two concurrent creations cannot both win.
    if (isUniqueViolation(error, 'organisations_code_key')) {
      throw new AppError('conflict', `organisation ${fields.code} already exists`);
    }
    throw error;
  }
}
