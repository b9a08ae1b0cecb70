import { AppError } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';

/** The platform secrets checked at start. */
export type TCheckedSecret = 'hmac';

/**
 * Compares a platform secret's check value (an HMAC of a constant under the secret,
 * never the secret) with the one recorded by the platform's first start, recording it
 * when none is: a start with another HMAC secret than the one the repoussoir entries,
 * erasure suppressions and pool hashes were keyed with stops (`conflict`) instead of
 * letting opted-out and erased people through. Answers whether it was recorded now.
 *
 * @example
 * await checkPlatformSecret(ctx, { name: 'hmac', checkValue: hmacSha256Hex(secret, HMAC_SECRET_CHECK_INPUT) });
 */
export async function checkPlatformSecret(
  ctx: ControlContext,
  options: { name: TCheckedSecret; checkValue: string },
): Promise<{ recorded: boolean }> {
  const inserted = await ctx.db
    .insertInto('platform_secret_checks')
    .values({ name: options.name, check_value: options.checkValue, recorded_at: ctx.clock() })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .returning('name')
    .executeTakeFirst();
  if (inserted) return { recorded: true };
  const stored = await ctx.db
    .selectFrom('platform_secret_checks')
    .select('check_value')
    .where('name', '=', options.name)
    .executeTakeFirstOrThrow();
  if (stored.check_value !== options.checkValue) {
    throw new AppError(
      'conflict',
      'the HMAC secret (ALLIAGE_HMAC_SECRET, else secrets/hmac.secret) is not the one this platform was started with: ' +
        'its repoussoir entries, erasure suppressions and pool hashes are keyed with that one, and would no longer match. ' +
        'Set the original secret. Only if it is lost for good, follow docs/operations.md ("Secrets") and run ' +
        'alliage platform adopt-hmac-secret --confirm',
      { retry: false },
    );
  }
  return { recorded: false };
}

/**
 * Records the current secret's check value in place of the one of the platform's first
 * start, audited as `platform.secret_adopted` (names and times only): the documented way
 * out once the original HMAC secret is lost for good.
 *
 * @example
 * await adoptPlatformSecret(ctx, actor, { name: 'hmac', checkValue });
 */
export async function adoptPlatformSecret(
  ctx: ControlContext,
  actor: TActor,
  options: { name: TCheckedSecret; checkValue: string },
): Promise<{ changed: boolean }> {
  return ctx.db.transaction().execute(async (trx) => {
    const stored = await trx
      .selectFrom('platform_secret_checks')
      .select('check_value')
      .where('name', '=', options.name)
      .forUpdate()
      .executeTakeFirst();
    if (stored?.check_value === options.checkValue) return { changed: false };
    await trx
      .insertInto('platform_secret_checks')
      .values({ name: options.name, check_value: options.checkValue, recorded_at: ctx.clock() })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet({ check_value: options.checkValue, recorded_at: ctx.clock() }),
      )
      .execute();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'platform.secret_adopted',
      actor,
      objectType: 'platform_secret',
      objectId: options.name,
      details: { secret: options.name, replaced: stored !== undefined },
    });
    return { changed: true };
  });
}
