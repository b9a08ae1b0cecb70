import { AppError, parseInput, type TOrganisationPatch, ZOrganisationPatch } from '@alliage/domain';
import type { Updateable } from 'kysely';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TOrganisation, toOrganisation } from './organisation.ts';
import type { OrganisationsTable } from './schema.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/**
 * Changes the name, status or contract dates of an organisation and records
 * `organisation.updated` with the names of the changed fields. A patch that
 * changes nothing writes nothing and returns the organisation as it is.
 *
 * @example
 * await updateOrganisation(ctx, actor, 'M01', { status: 'suspended' });
 */
export async function updateOrganisation(
  ctx: ControlContext,
  actor: TActor,
  code: string,
  patch: TOrganisationPatch,
): Promise<TOrganisation> {
  const fields = parseInput(ZOrganisationPatch, patch);
  return ctx.db.transaction().execute(async (trx) => {
    // Locked so the contract-date check below sees the dates a concurrent patch may be writing.
    const current = await selectOrganisationRow(trx, code, { forUpdate: true });
    const changes: Updateable<OrganisationsTable> = {};
    const changedFields: string[] = [];
    if (fields.name !== undefined && fields.name !== current.name) {
      changes.name = fields.name;
      changedFields.push('name');
    }
    if (fields.status !== undefined && fields.status !== current.status) {
      changes.status = fields.status;
      changedFields.push('status');
      // A member taken back after an offboarding sends new files: the builds keep them.
      if (current.status === 'offboarded') changes.data_deletion_due_at = null;
    }
    if (fields.contractStart !== undefined && fields.contractStart !== current.contract_start) {
      changes.contract_start = fields.contractStart;
      changedFields.push('contractStart');
    }
    if (fields.contractEnd !== undefined && fields.contractEnd !== current.contract_end) {
      changes.contract_end = fields.contractEnd;
      changedFields.push('contractEnd');
    }
    if (changedFields.length === 0) return toOrganisation(current);

    const contractStart =
      fields.contractStart !== undefined ? fields.contractStart : current.contract_start;
    const contractEnd =
      fields.contractEnd !== undefined ? fields.contractEnd : current.contract_end;
    if (contractStart && contractEnd && contractEnd < contractStart) {
      throw new AppError('validation_failed', 'invalid input: contractEnd', {
        fields: [{ path: 'contractEnd', message: 'must not be before contractStart' }],
      });
    }

    const row = await trx
      .updateTable('organisations')
      .set({ ...changes, updated_at: ctx.clock() })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'organisation.updated',
      actor,
      objectType: 'organisation',
      objectId: row.id,
      organisationCode: row.code,
      // Which fields changed, never their values; the new status is a closed code worth filtering on.
      details: { fields: changedFields, status: row.status },
    });
    return toOrganisation(row);
  });
}
