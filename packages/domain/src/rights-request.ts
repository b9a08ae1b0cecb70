import { z } from 'zod';
import { ZRepoussoirScope } from './repoussoir.ts';

/** What the data subject asks for (GDPR Art. 15, 17, 21, 16, 20). */
export const ZRightsRequestType = z.enum([
  'access',
  'erasure',
  'opposition',
  'rectification',
  'portability',
]);
export type TRightsRequestType = z.infer<typeof ZRightsRequestType>;

/** A request's life: open (recorded) → forwarded (to the members holding records) → closed. */
export const ZRightsRequestStatus = z.enum(['open', 'forwarded', 'closed']);
export type TRightsRequestStatus = z.infer<typeof ZRightsRequestStatus>;

/** Where a request stands at one member (the controller of its records). */
export const ZRightsRequestItemStatus = z.enum([
  'pending',
  'forwarded',
  'answered',
  'erasure_confirmed',
  'failed',
]);
export type TRightsRequestItemStatus = z.infer<typeof ZRightsRequestItemStatus>;

// A postal identity is hashed as `LAST|FIRST|POSTCODE|STREET`: a `|` inside a part would move it.
const ZIdentityPart = z
  .string()
  .trim()
  .max(120)
  .refine((value) => !value.includes('|'), 'must not contain |');

/** The postal identity a person gives: name and address as on an envelope. */
export const ZRightsPostalIdentity = z
  .object({
    lastName: ZIdentityPart.pipe(z.string().min(1)),
    firstName: ZIdentityPart.optional(),
    postcode: ZIdentityPart.pipe(z.string().min(1)),
    /** Line 4 of the address; for an address with no street line (lieu-dit), the locality. */
    streetLine: ZIdentityPart.pipe(z.string().min(1)),
  })
  .strict();

/**
 * The identity given by the person, in clear over TLS: any of a postal identity, an
 * email, a phone. The platform keeps only keyed hashes of their normalised forms.
 */
export const ZRightsIdentity = z
  .object({
    postal: ZRightsPostalIdentity.optional(),
    email: z.string().trim().min(1).max(254).optional(),
    phone: z.string().trim().min(1).max(40).optional(),
  })
  .strict()
  .refine(
    (identity) => identity.postal || identity.email || identity.phone,
    'give at least one of postal, email, phone',
  );
export type TRightsIdentity = z.infer<typeof ZRightsIdentity>;

/** Body of `POST /v1/rights-requests`. */
export const ZRightsRequestInput = z
  .object({
    type: ZRightsRequestType,
    identity: ZRightsIdentity,
    /** How the identity was verified (document seen, reply from the address…): no copy of it. */
    verification: z.string().trim().min(1).max(500),
    /** Which channels an opposition closes (oppositions only; default every channel). */
    oppositionScope: ZRepoussoirScope.optional(),
    /** When the request reached the platform (default now): the deadline runs from it. */
    receivedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((input) => input.oppositionScope === undefined || input.type === 'opposition', {
    message: 'only an opposition has a scope',
    path: ['oppositionScope'],
  });
export type TRightsRequestInput = z.input<typeof ZRightsRequestInput>;

/** Body of `POST /v1/rights-requests/{id}/extend` (Art. 12(3): at most two more months in all). */
export const ZRightsRequestExtension = z
  .object({
    months: z.union([z.literal(1), z.literal(2)]),
    reason: z.string().trim().min(1).max(500),
  })
  .strict();
export type TRightsRequestExtension = z.infer<typeof ZRightsRequestExtension>;

/** Body of `POST /v1/rights-requests/{id}/close`. */
export const ZRightsRequestClosure = z
  .object({ reason: z.string().trim().min(1).max(500) })
  .strict();
export type TRightsRequestClosure = z.infer<typeof ZRightsRequestClosure>;

/** Longest note a member may leave with its answer: a reference, not a copy of the answer. */
export const RIGHTS_ANSWER_NOTE_MAX_LENGTH = 200;

/**
 * Body of `POST /v1/members/{code}/rights-requests/{id}/answer`: the member says it
 * answered the person. `answeredAt` defaults to now and may not be in the future (checked
 * against the platform clock); `note` is a short reference (ticket number, channel used),
 * never personal data.
 */
export const ZRightsRequestAnswer = z
  .object({
    answeredAt: z.iso.datetime({ offset: true }).optional(),
    note: z.string().trim().min(1).max(RIGHTS_ANSWER_NOTE_MAX_LENGTH).optional(),
  })
  .strict();
export type TRightsRequestAnswer = z.infer<typeof ZRightsRequestAnswer>;

/** At most this many months of extension beyond the first due date. */
export const RIGHTS_REQUEST_MAX_EXTENSION_MONTHS = 2;

/**
 * The contact points of an identity as repoussoir values (`kind` + clear `value`), so
 * they are normalised and hashed exactly as repoussoir entries and member records are.
 *
 * @example
 * rightsIdentityValues({ email: 'a@b.fr' }) // [{ kind: 'email', value: 'a@b.fr' }]
 */
export function rightsIdentityValues(
  identity: TRightsIdentity,
): { kind: 'email' | 'phone' | 'postal'; value: string }[] {
  const values: { kind: 'email' | 'phone' | 'postal'; value: string }[] = [];
  if (identity.postal) {
    const { lastName, firstName, postcode, streetLine } = identity.postal;
    values.push({
      kind: 'postal',
      value: [lastName, firstName ?? '', postcode, streetLine].join('|'),
    });
  }
  if (identity.email) values.push({ kind: 'email', value: identity.email });
  if (identity.phone) values.push({ kind: 'phone', value: identity.phone });
  return values;
}
