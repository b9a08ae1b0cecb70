import { AppError, parseInput, ZChannel } from '@alliage/domain';
import { normalizePhone } from '@alliage/normalize';
import { sql } from 'kysely';
import { z } from 'zod';
import { type TAlert, toAlert } from './alert.ts';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor, TExecutor } from './control-context.ts';
import { type TSeedHit, toSeedHit } from './seed-hit.ts';
import { selectDeliveryRow } from './select-delivery-row.ts';
import { selectSelectionRow } from './select-selection-row.ts';

/** Reports may be a little ahead of the platform clock, not more. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Which channels each kind of contact point can be reached on. */
const CHANNELS_BY_CONTACT_KIND = {
  email: ['email'],
  phone: ['sms', 'phone'],
  postal: ['postal'],
} as const;

const ZRecordSeedHitInput = z
  .object({
    contact: z
      .object({
        kind: z.enum(['email', 'phone', 'postal']),
        value: z.string().trim().min(1).max(254),
      })
      .strict(),
    channel: ZChannel,
    contactedAt: z.date(),
    note: z.string().trim().min(1).max(1000).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const channels: readonly string[] = CHANNELS_BY_CONTACT_KIND[value.contact.kind];
    if (!channels.includes(value.channel)) {
      ctx.addIssue({
        code: 'custom',
        path: ['channel'],
        message: `a ${value.contact.kind} contact cannot be on channel ${value.channel}`,
      });
    }
  });
export type TRecordSeedHitInput = z.input<typeof ZRecordSeedHitInput>;

/**
 * Records a contact on a seed record and `seed.hit`. The seed is found by its email
 * (trimmed, case-insensitive), its phone (any format `normalizePhone` reads, compared in
 * E.164) or, for postal, `"LASTNAME|POSTCODE"` (case-insensitive). A contact outside the
 * selection's campaign window (its calendar date in Europe/Paris) or on a channel the
 * selection was not ordered for also raises a critical alert and `alert.raised` naming
 * the delivery and client, in the same transaction; when both hold, the alert is
 * `seed_hit_out_of_window` and its details carry both flags. AppError not_found when no
 * seed matches, conflict when a postal identity matches several.
 *
 * @example
 * const { hit, alert } = await recordSeedHit(ctx, operator, { contact: { kind: 'email', value: 'c.martin@seed.example' },
 *   channel: 'email', contactedAt: new Date('2027-05-02T09:00:00Z') });
 */
export async function recordSeedHit(
  ctx: ControlContext,
  actor: TActor,
  input: TRecordSeedHitInput,
): Promise<{ hit: TSeedHit; alert: TAlert | null }> {
  const { contact, channel, contactedAt, note } = parseInput(ZRecordSeedHitInput, input);
  const now = ctx.clock();
  if (contactedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new AppError('validation_failed', 'contactedAt is in the future', {
      fields: [{ path: 'contactedAt', message: 'must not be in the future' }],
    });
  }
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const seed = await findSeed(trx, contact);
    const delivery = await selectDeliveryRow(trx, seed.delivery_id);
    const selection = await selectSelectionRow(trx, delivery.selection_id);
    const contactDay = parisDate(contactedAt);
    const inWindow = selection.campaign_start <= contactDay && contactDay <= selection.campaign_end;
    const channelOrdered = channel === selection.channel;
    const hitRow = await trx
      .insertInto('seed_hits')
      .values({
        seed_id: seed.id,
        delivery_id: delivery.id,
        channel,
        contacted_at: contactedAt,
        reported_by_ref: actor.ref,
        in_window: inWindow,
        channel_ordered: channelOrdered,
        created_at: now,
        note: note ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const ids = {
      deliveryId: delivery.id,
      selectionId: selection.id,
      clientOrgCode: delivery.client_org_code,
    };
    await appendAuditEvent(trx, ctx.clock, {
      action: 'seed.hit',
      actor,
      objectType: 'seed',
      objectId: seed.id,
      organisationCode: delivery.client_org_code,
      details: {
        ...ids,
        hitId: hitRow.id,
        contactKind: contact.kind,
        channel,
        contactedAt,
        inWindow,
        channelOrdered,
      },
    });
    if (inWindow && channelOrdered) return { hit: toSeedHit(hitRow), alert: null };

    const details = {
      ...ids,
      seedId: seed.id,
      hitId: hitRow.id,
      channel,
      orderedChannel: selection.channel,
      inWindow,
      channelOrdered,
    };
    const alertRow = await trx
      .insertInto('alerts')
      .values({
        kind: inWindow ? 'seed_hit_wrong_channel' : 'seed_hit_out_of_window',
        severity: 'critical',
        delivery_id: delivery.id,
        client_org_id: delivery.client_org_id,
        details: JSON.stringify(details),
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'alert.raised',
      actor,
      objectType: 'alert',
      objectId: alertRow.id,
      organisationCode: delivery.client_org_code,
      details: { kind: alertRow.kind, severity: alertRow.severity, ...details },
    });
    return { hit: toSeedHit(hitRow), alert: toAlert(alertRow) };
  });
  // After commit: the webhook must never see an alert that was rolled back.
  if (outcome.alert) ctx.alerts?.notify?.(outcome.alert);
  return outcome;
}

/** The one seed a reported contact point designates. */
async function findSeed(
  executor: TExecutor,
  contact: { kind: 'email' | 'phone' | 'postal'; value: string },
): Promise<{ id: string; delivery_id: string }> {
  let query = executor.selectFrom('delivery_seeds').select(['id', 'delivery_id']).limit(2);
  if (contact.kind === 'email') {
    // Matches the unique index on lower(email).
    query = query.where(sql`lower(email)`, '=', contact.value.toLowerCase());
  } else if (contact.kind === 'phone') {
    const phone = normalizePhone(contact.value);
    if (!phone.ok || phone.value === null) {
      throw new AppError('validation_failed', 'contact is not a valid phone number', {
        fields: [{ path: 'contact.value', message: 'not a valid phone number' }],
      });
    }
    query = query.where('phone', '=', phone.value.e164);
  } else {
    const parts = contact.value.split('|').map((part) => part.trim());
    const [lastName, postcode] = parts;
    if (parts.length !== 2 || !lastName || !postcode || !/^\d{5}$/.test(postcode)) {
      throw new AppError('validation_failed', 'a postal contact is "LASTNAME|POSTCODE"', {
        fields: [{ path: 'contact.value', message: 'must be LASTNAME|POSTCODE' }],
      });
    }
    query = query
      .where(sql`upper(last_name)`, '=', sql`upper(${lastName})`)
      .where('postcode', '=', postcode);
  }
  const seeds = await query.execute();
  const [seed] = seeds;
  if (!seed) throw new AppError('not_found', 'no seed matches this contact');
  if (seeds.length > 1) {
    throw new AppError(
      'conflict',
      'several seeds match this postal contact; report the email or phone',
    );
  }
  return seed;
}

const PARIS_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `YYYY-MM-DD` of an instant in Europe/Paris, where campaign dates are meant. */
function parisDate(instant: Date): string {
  const parts = Object.fromEntries(
    PARIS_DATE.formatToParts(instant).map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}
