import {
  DEFAULT_DIALECT_PROFILE,
  parseInput,
  type TDialectProfile,
  type TDialectProfileInput,
  ZDialectProfile,
} from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/** The dialect profile of a member, or the canonical default when it has none. */
export async function getMemberDialect(
  ctx: ControlContext,
  memberCode: string,
): Promise<TDialectProfile> {
  const member = await selectOrganisationRow(ctx.db, memberCode, { memberOnly: true });
  const row = await ctx.db
    .selectFrom('member_dialects')
    .select('profile')
    .where('organisation_id', '=', member.id)
    .executeTakeFirst();
  return row ? ZDialectProfile.parse(row.profile) : DEFAULT_DIALECT_PROFILE;
}

/** Sets a member's dialect profile (validated) and records `dialect.changed`. */
export async function setMemberDialect(
  ctx: ControlContext,
  actor: TActor,
  memberCode: string,
  input: TDialectProfileInput,
): Promise<TDialectProfile> {
  const profile = parseInput(ZDialectProfile, input);
  return ctx.db.transaction().execute(async (trx) => {
    const member = await selectOrganisationRow(trx, memberCode, {
      memberOnly: true,
      forUpdate: true,
    });
    const now = ctx.clock();
    await trx
      .insertInto('member_dialects')
      .values({
        organisation_id: member.id,
        profile: JSON.stringify(profile),
        updated_at: now,
        updated_by: actor.ref,
      })
      .onConflict((conflict) =>
        conflict.column('organisation_id').doUpdateSet({
          profile: JSON.stringify(profile),
          updated_at: now,
          updated_by: actor.ref,
        }),
      )
      .execute();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'dialect.changed',
      actor,
      objectType: 'dialect_profile',
      objectId: member.code,
      organisationCode: member.code,
      details: {
        encoding: profile.encoding,
        delimiter: profile.delimiter,
        dateFormat: profile.dateFormat,
        mappedHeaders:
          Object.keys(profile.headers.customers).length +
          Object.keys(profile.headers.transactions).length,
      },
    });
    return profile;
  });
}
