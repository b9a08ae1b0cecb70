import {
  AppError,
  isClient,
  parseInput,
  type TSelectionRequestInput,
  ZSelectionRequest,
} from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';
import { type TSelection, toSelection } from './selection.ts';

export interface CreateSelectionInput {
  clientOrgCode: string;
  request: TSelectionRequestInput;
}

/**
 * Records a client's selection as a draft and `selection.created`. The client must
 * exist and be a client (else not_found) and be active (else validation_failed).
 *
 * @example
 * const selection = await createSelection(ctx, actor, { clientOrgCode: 'C01', request: {
 *   name: 'Spring mailing', channel: 'postal', purpose: 'targeting',
 *   campaignStart: '2027-03-01', campaignEnd: '2027-03-31', criteria: { age: { min: 35 } } } });
 */
export async function createSelection(
  ctx: ControlContext,
  actor: TActor,
  input: CreateSelectionInput,
): Promise<TSelection> {
  const request = parseInput(ZSelectionRequest, input.request, 'request');
  return ctx.db.transaction().execute(async (trx) => {
    const client = await selectOrganisationRow(trx, input.clientOrgCode);
    if (!isClient(client.kind)) throw new AppError('not_found', `client ${client.code} not found`);
    if (client.status !== 'active') {
      throw new AppError('validation_failed', `client ${client.code} is not active`);
    }
    const now = ctx.clock();
    const row = await trx
      .insertInto('selections')
      .values({
        client_org_id: client.id,
        name: request.name,
        channel: request.channel,
        purpose: request.purpose,
        campaign_start: request.campaignStart,
        campaign_end: request.campaignEnd,
        criteria: JSON.stringify(request.criteria),
        status: 'draft',
        created_by_ref: actor.ref,
        created_by_principal: actor.principalId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'selection.created',
      actor,
      objectType: 'selection',
      objectId: row.id,
      organisationCode: client.code,
      // Which criteria are used, not their values: the selection row keeps those.
      details: {
        channel: row.channel,
        purpose: row.purpose,
        campaignStart: row.campaign_start,
        campaignEnd: row.campaign_end,
        criteria: Object.keys(request.criteria).sort(),
      },
    });
    return toSelection({ ...row, client_org_code: client.code });
  });
}
