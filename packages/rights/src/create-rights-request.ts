import {
  appendAuditEvent,
  type ControlSchema,
  listOrganisations,
  runRepoussoirChange,
  type TActor,
} from '@alliage/control';
import {
  AppError,
  parseInput,
  rightsRequestDeadline,
  type TRightsRequestInput,
  ZRightsRequestInput,
} from '@alliage/domain';
import { findPersonsByContactHashes } from '@alliage/warehouse';
import type { Transaction } from 'kysely';
import { addOppositionEntries, appendOppositionApplied } from './apply-rights-opposition.ts';
import { forwardRightsRequestItem } from './forward-rights-request-item.ts';
import { getRightsRequest } from './get-rights-request.ts';
import { hashRightsIdentity } from './hash-rights-identity.ts';
import type { TRightsDeps } from './rights-deps.ts';
import type { TRightsRequest } from './rights-request.ts';

/**
 * Records a data subject's request and acts on it: hashes the identity given (the
 * clear values are not kept), sets the deadline (one calendar month from receipt),
 * links it to the oldest open request sharing a contact point (`duplicateOf`), finds
 * the matching persons in the pool and, per member holding records of them, an item
 * with that member's customer IDs only; (opposition) adds the contact points to the
 * repoussoir in the same transaction, so no opposition is recorded without them; then forwards the request to each member (report, and the
 * encrypted data for access and portability). Every step is audited.
 *
 * @example
 * const request = await createRightsRequest(deps, actor, { type: 'access',
 *   identity: { email: 'jane@example.test' }, verification: 'ID card seen by post' });
 */
export async function createRightsRequest(
  deps: TRightsDeps,
  actor: TActor,
  input: TRightsRequestInput,
): Promise<TRightsRequest> {
  const { ctx } = deps;
  const parsed = parseInput(ZRightsRequestInput, input, 'body');
  const hashes = dedupe(hashRightsIdentity(deps.hmacSecret, parsed.identity));
  const now = ctx.clock();
  const receivedAt = parsed.receivedAt ? new Date(parsed.receivedAt) : now;
  if (receivedAt.getTime() > now.getTime()) {
    throw new AppError('validation_failed', 'body.receivedAt: must not be in the future', {
      fields: [{ path: 'body.receivedAt', message: 'must not be in the future' }],
    });
  }

  // Who holds what: the pool's own identity resolution decides who "the person" is.
  const persons = await findPersonsByContactHashes(deps.warehouse, hashes);
  const customersByMember = new Map<string, Set<string>>();
  for (const person of persons) {
    for (const record of person.records) {
      const customers = customersByMember.get(record.memberCode) ?? new Set<string>();
      customers.add(record.customerId);
      customersByMember.set(record.memberCode, customers);
    }
  }
  const organisationIdByCode = new Map(
    (await listOrganisations(ctx)).map((organisation) => [organisation.code, organisation.id]),
  );

  const record = async (trx: Transaction<ControlSchema>): Promise<string> => {
    const open = await trx
      .selectFrom('rights_requests')
      .select(['id', 'identity_hashes'])
      .where('status', '<>', 'closed')
      .orderBy('received_at')
      .orderBy('created_at')
      .execute();
    const given = new Set(hashes.map((hash) => `${hash.kind}:${hash.hmac}`));
    const duplicateOf =
      open.find((request) =>
        request.identity_hashes.some((hash) => given.has(`${hash.kind}:${hash.hmac}`)),
      )?.id ?? null;
    const created = await trx
      .insertInto('rights_requests')
      .values({
        type: parsed.type,
        status: 'open',
        received_at: receivedAt,
        due_at: rightsRequestDeadline(receivedAt, 1),
        verification: parsed.verification,
        opposition_scope: parsed.type === 'opposition' ? (parsed.oppositionScope ?? 'all') : null,
        identity_hashes: JSON.stringify(hashes),
        duplicate_of: duplicateOf,
        created_at: now,
        created_by_ref: actor.ref,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const members = [...customersByMember.entries()].sort(([a], [b]) => a.localeCompare(b));
    for (const [memberCode, customers] of members) {
      const memberOrgId = organisationIdByCode.get(memberCode);
      // A member code in the pool always has its organisation; a gap would be a bug upstream.
      if (!memberOrgId) throw new AppError('internal', `member ${memberCode} has no organisation`);
      await trx
        .insertInto('rights_request_items')
        .values({
          request_id: created.id,
          member_org_id: memberOrgId,
          customer_ids: JSON.stringify([...customers].sort()),
          status: 'pending',
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    // The opposition's entries commit with the request or not at all, and come before any
    // audit event: every repoussoir change takes its version first, then the audit chain.
    const opposition =
      parsed.type === 'opposition'
        ? { requestId: created.id, scope: parsed.oppositionScope ?? 'all', hashes }
        : null;
    const applied = opposition
      ? await addOppositionEntries(trx, ctx.clock, actor, opposition)
      : null;
    await appendAuditEvent(trx, ctx.clock, {
      action: 'rights_request.created',
      actor,
      objectType: 'rights_request',
      objectId: created.id,
      details: {
        type: parsed.type,
        identityKinds: [...new Set(hashes.map((hash) => hash.kind))].sort(),
        duplicateOf,
        dueAt: rightsRequestDeadline(receivedAt, 1).toISOString(),
        matchedPersons: persons.length,
        members: members.map(([memberCode, customers]) => ({
          memberCode,
          customerCount: customers.size,
        })),
      },
    });
    if (opposition && applied) {
      await appendOppositionApplied(trx, ctx.clock, actor, opposition, applied);
    }
    return created.id;
  };
  // An opposition waits like any repoussoir change while an import is being applied; a
  // caller that bounds the wait gets `unavailable` with no request recorded.
  const requestId =
    parsed.type === 'opposition'
      ? await runRepoussoirChange(ctx, record)
      : await ctx.db.transaction().execute(record);
  return forwardPendingItems(deps, actor, requestId);
}

/**
 * Forwards every pending or failed item of a request that is not an erasure already
 * confirmed, then marks the request `forwarded` once any member was reached.
 *
 * @example
 * const request = await forwardPendingItems(deps, actor, requestId);
 */
export async function forwardPendingItems(
  deps: TRightsDeps,
  actor: TActor,
  requestId: string,
): Promise<TRightsRequest> {
  const { ctx } = deps;
  const request = await getRightsRequest(ctx, requestId);
  for (const item of request.items) {
    if (item.status === 'pending' || (item.status === 'failed' && item.confirmedAt === null)) {
      await forwardRightsRequestItem(deps, actor, request, item);
    }
  }
  const after = await getRightsRequest(ctx, requestId);
  if (
    after.status === 'open' &&
    after.items.some((item) => item.status !== 'pending' && item.status !== 'failed')
  ) {
    await ctx.db
      .updateTable('rights_requests')
      .set({ status: 'forwarded', updated_at: ctx.clock() })
      .where('id', '=', requestId)
      .where('status', '=', 'open')
      .execute();
    return getRightsRequest(ctx, requestId);
  }
  return after;
}

function dedupe<T extends { kind: string; hmac: string }>(hashes: T[]): T[] {
  const unique = new Map(hashes.map((hash) => [`${hash.kind}:${hash.hmac}`, hash]));
  return [...unique.values()];
}
