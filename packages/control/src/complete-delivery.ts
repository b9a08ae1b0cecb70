import { AppError, parseInput, ZOrgCode } from '@alliage/domain';
import { z } from 'zod';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { ZDeliverySeedInput } from './delivery-seed.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import { selectDeliveryRow } from './select-delivery-row.ts';

const ZFingerprint = z.string().regex(/^[0-9A-F]{16,64}$/, 'must be an upper-case hex fingerprint');

const ZCompleteDeliveryInput = z
  .object({
    deliveryId: z.string(),
    // A name in the client's outbox: no directory part, no control character.
    fileName: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^/\\\p{Cc}]+$/u, 'must be a plain file name')
      .refine((name) => name !== '.' && name !== '..', 'must be a plain file name'),
    sizeBytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be lower-case hex SHA-256'),
    /** Rows in the file, seeds included. */
    rowCount: z.number().int().min(0).max(2_147_483_647),
    recipientKeyFingerprint: ZFingerprint,
    signerFingerprint: ZFingerprint,
    seeds: z.array(ZDeliverySeedInput).max(100),
    memberUsage: z
      .array(z.object({ memberCode: ZOrgCode, personCount: z.number().int().min(1) }).strict())
      .max(10_000),
    /**
     * The instruction version in force per member whose records the extraction read (the
     * members permitting the release); every member of `memberUsage` must be listed.
     */
    instructionVersions: z.record(ZOrgCode, z.number().int().min(1)).default({}),
  })
  .strict()
  .superRefine((value, ctx) => {
    const rowIds = new Set(value.seeds.map((seed) => seed.rowId));
    if (rowIds.size !== value.seeds.length) {
      ctx.addIssue({ code: 'custom', path: ['seeds'], message: 'row IDs must be unique' });
    }
    const members = new Set(value.memberUsage.map((usage) => usage.memberCode));
    if (members.size !== value.memberUsage.length) {
      ctx.addIssue({ code: 'custom', path: ['memberUsage'], message: 'must not repeat a member' });
    }
    for (const [index, usage] of value.memberUsage.entries()) {
      if (!Object.hasOwn(value.instructionVersions, usage.memberCode)) {
        ctx.addIssue({
          code: 'custom',
          path: ['memberUsage', index, 'memberCode'],
          message: 'has no instruction version in instructionVersions',
        });
      }
    }
  });
export type TCompleteDeliveryInput = z.input<typeof ZCompleteDeliveryInput>;

/**
 * Records a written delivery file, in one transaction: the delivery becomes `written`,
 * its seeds and per-member usage (with each member's instruction version) are stored,
 * the selection becomes `delivered`, and `delivery.created` is appended (IDs, counts,
 * hash, fingerprints and the instruction versions it ran under). AppError conflict
 * when the delivery is not pending, or (retry: true) when a seed contact is already
 * another delivery's — the job then generates new seeds.
 *
 * @example
 * await completeDelivery(ctx, SYSTEM_ACTOR, { deliveryId, fileName: `${deliveryId}.csv.gpg`, sizeBytes, sha256,
 *   rowCount, recipientKeyFingerprint, signerFingerprint, seeds, memberUsage: [{ memberCode: 'M01', personCount: 120 }],
 *   instructionVersions: { M01: 3 } });
 */
export async function completeDelivery(
  ctx: ControlContext,
  actor: TActor,
  input: TCompleteDeliveryInput,
): Promise<TDelivery> {
  const fields = parseInput(ZCompleteDeliveryInput, input);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const delivery = await selectDeliveryRow(trx, fields.deliveryId, { forUpdate: true });
      if (delivery.status !== 'pending') {
        throw new AppError(
          'conflict',
          `delivery ${delivery.id} is ${delivery.status}, not pending`,
        );
      }
      const memberIds = new Map<string, string>();
      if (fields.memberUsage.length > 0) {
        const codes = fields.memberUsage.map((usage) => usage.memberCode);
        const members = await trx
          .selectFrom('organisations')
          .select(['id', 'code'])
          .where('code', 'in', codes)
          .where('kind', 'in', ['member', 'both'])
          .execute();
        for (const member of members) memberIds.set(member.code, member.id);
        const unknown = codes.filter((code) => !memberIds.has(code));
        if (unknown.length > 0) throw new AppError('not_found', `member ${unknown[0]} not found`);
      }
      const now = ctx.clock();
      const row = await trx
        .updateTable('deliveries')
        .set({
          status: 'written',
          file_name: fields.fileName,
          size_bytes: fields.sizeBytes,
          sha256: fields.sha256,
          row_count: fields.rowCount,
          seed_count: fields.seeds.length,
          recipient_key_fingerprint: fields.recipientKeyFingerprint,
          signer_fingerprint: fields.signerFingerprint,
          written_at: now,
        })
        .where('id', '=', delivery.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (fields.seeds.length > 0) {
        await trx
          .insertInto('delivery_seeds')
          .values(
            fields.seeds.map((seed) => ({
              delivery_id: delivery.id,
              row_id: seed.rowId,
              civility: seed.civility,
              first_name: seed.firstName,
              last_name: seed.lastName,
              address_lines: JSON.stringify(seed.addressLines),
              postcode: seed.postcode,
              email: seed.email,
              phone: seed.phone,
              created_at: now,
            })),
          )
          .execute();
      }
      if (fields.memberUsage.length > 0) {
        await trx
          .insertInto('delivery_member_usage')
          .values(
            fields.memberUsage.map((usage) => ({
              delivery_id: delivery.id,
              member_org_id: memberIds.get(usage.memberCode) as string,
              person_count: usage.personCount,
              instruction_version: fields.instructionVersions[usage.memberCode] as number,
            })),
          )
          .execute();
      }
      await trx
        .updateTable('selections')
        .set({ status: 'delivered', updated_at: now })
        .where('id', '=', delivery.selection_id)
        .execute();
      await appendAuditEvent(trx, ctx.clock, {
        action: 'delivery.created',
        actor,
        objectType: 'delivery',
        objectId: delivery.id,
        organisationCode: delivery.client_org_code,
        details: {
          status: 'written',
          selectionId: delivery.selection_id,
          fileName: fields.fileName,
          sizeBytes: fields.sizeBytes,
          sha256: fields.sha256,
          rowCount: fields.rowCount,
          seedCount: fields.seeds.length,
          recipientKeyFingerprint: fields.recipientKeyFingerprint,
          signerFingerprint: fields.signerFingerprint,
          members: Object.fromEntries(
            fields.memberUsage.map((usage) => [usage.memberCode, usage.personCount]),
          ),
          instructionVersions: fields.instructionVersions,
        },
      });
      return toDelivery({ ...row, client_org_code: delivery.client_org_code });
    });
  } catch (error) {
    if (
      isUniqueViolation(error, 'delivery_seeds_email') ||
      isUniqueViolation(error, 'delivery_seeds_phone')
    ) {
      throw new AppError('conflict', 'a seed contact is already used by another delivery', {
        retry: true,
        cause: error,
      });
    }
    if (isUniqueViolation(error, 'deliveries_client_file_name')) {
      throw new AppError(
        'conflict',
        `file name ${fields.fileName} is already used by this client`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
