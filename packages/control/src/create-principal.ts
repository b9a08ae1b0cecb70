import {
  AppError,
  isStaffRole,
  parseInput,
  roleFitsOrgKind,
  ZOrgCode,
  ZRole,
} from '@alliage/domain';
import { z } from 'zod';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TPrincipal, toPrincipal } from './principal.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/** Input to create a principal: staff roles take `organisationCode: null`. */
export const ZPrincipalInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: ZRole,
    organisationCode: ZOrgCode.nullable(),
  })
  .strict();
export type TPrincipalInput = z.input<typeof ZPrincipalInput>;

/**
 * Creates a principal and records `principal.created`. Staff roles (operator,
 * compliance) belong to no organisation; member roles need a member or `both`
 * organisation, `client_marketer` a client or `both` one (validation_failed otherwise).
 *
 * @example
 * const principal = await createPrincipal(ctx, actor, { name: 'CRM export', role: 'member_user', organisationCode: 'M01' });
 */
export async function createPrincipal(
  ctx: ControlContext,
  actor: TActor,
  input: TPrincipalInput,
): Promise<TPrincipal> {
  const fields = parseInput(ZPrincipalInput, input);
  if (isStaffRole(fields.role) !== (fields.organisationCode === null)) {
    throw roleMismatch(
      isStaffRole(fields.role)
        ? `${fields.role} is a staff role and belongs to no organisation`
        : `${fields.role} must belong to an organisation`,
    );
  }
  return ctx.db.transaction().execute(async (trx) => {
    let organisationId: string | null = null;
    if (fields.organisationCode !== null) {
      const organisation = await selectOrganisationRow(trx, fields.organisationCode);
      if (!roleFitsOrgKind(fields.role, organisation.kind)) {
        throw roleMismatch(
          `${fields.role} does not fit ${organisation.code}, which is a ${organisation.kind}`,
        );
      }
      organisationId = organisation.id;
    }
    const inserted = await trx
      .insertInto('principals')
      .values({
        organisation_id: organisationId,
        name: fields.name,
        role: fields.role,
        created_at: ctx.clock(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'principal.created',
      actor,
      objectType: 'principal',
      objectId: inserted.id,
      organisationCode: fields.organisationCode,
      // The name may be a person's: only the role goes into the chain.
      details: { role: inserted.role },
    });
    return toPrincipal({ ...inserted, organisation_code: fields.organisationCode });
  });
}

function roleMismatch(message: string): AppError {
  return new AppError('validation_failed', `invalid input: organisationCode (${message})`, {
    fields: [{ path: 'organisationCode', message }],
  });
}
