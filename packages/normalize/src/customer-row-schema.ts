import { CUSTOMER_COLUMNS } from '@alliage/domain';
import { z } from 'zod';
import { addressMatchKey, dwellingKey, dwellingPartKey } from './dwelling-key.ts';
import type { TFieldResult } from './field-result.ts';
import { controlCharacterIssues } from './find-control-character.ts';
import { latestAcceptedDate } from './latest-accepted-date.ts';
import { mapCivility, type TCivility } from './map-civility.ts';
import { normalizeEmail } from './normalize-email.ts';
import { normalizePersonName, type TPersonName } from './normalize-person-name.ts';
import { normalizePhone, type TPhone } from './normalize-phone.ts';
import { normalizePostcode } from './normalize-postcode.ts';
import { parseMemberDate, type TMemberDateFormat } from './parse-member-date.ts';
import { parseOptin } from './parse-optin.ts';
import { parseStreetLine, type TStreetLine } from './parse-street-line.ts';
import { resolveCommune } from './resolve-commune.ts';

/** Longest customer or transaction identifier accepted. */
export const MAX_IDENTIFIER_LENGTH = 64;

/** A raw row of a customers file: canonical column → text as read (absent columns undefined). */
export const ZRawCustomerRow = z.object(
  Object.fromEntries(CUSTOMER_COLUMNS.map((column) => [column, z.string().optional()])) as Record<
    (typeof CUSTOMER_COLUMNS)[number],
    z.ZodOptional<z.ZodString>
  >,
);
export type TRawCustomerRow = z.infer<typeof ZRawCustomerRow>;

/** A field dropped from an otherwise valid row: which and why (never the value). */
export interface TDroppedField {
  column: string;
  reason: string;
}

/** A customer row once validated and normalised: the member record's fields. */
export interface TCustomerRecord {
  customerId: string;
  civility: TCivility | null;
  firstName: TPersonName | null;
  lastName: TPersonName | null;
  street: TStreetLine | null;
  postcode: string | null;
  city: string | null;
  inseeCode: string | null;
  communeStatus: 'matched' | 'unknown_postcode' | 'city_not_in_postcode' | 'missing';
  addressKey: string | null;
  buildingKey: string | null;
  complementKey: string | null;
  dwellingKey: string | null;
  email: string | null;
  phoneMobile: TPhone | null;
  phoneLandline: TPhone | null;
  birthDate: string | null;
  optinEmail: boolean;
  optinSms: boolean;
  optinPhone: boolean;
  createdAt: string;
  /** Optional fields that were invalid, dropped and reported. */
  dropped: TDroppedField[];
}

const blank = (value: string | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

/**
 * The contract of one customers row, as a zod schema: a row fails (issues at the
 * column, reason as message, never the value) for a control character in any field
 * (`CONTROL_CHARACTER`; then for that alone), a missing or too long
 * customer_id, an unreadable or future created_at or no contact point left; an
 * invalid optional field (civility, email, phones, birth date — a future one
 * too —, opt-ins, postcode) is dropped and listed in `dropped`. "Future" is after
 * `latestAcceptedDate(receivedDate)`. The pool's bulk path enforces the same
 * contract in SQL over distinct values (tested on the same cases in
 * `packages/warehouse`); a repeated customer_id is a file rule checked there.
 *
 * @example
 * customerRowSchema({ dateFormat: 'DD/MM/YYYY', receivedDate: '2026-11-23' }).safeParse(row)
 */
export function customerRowSchema(options: {
  dateFormat: TMemberDateFormat;
  /** Collection date of a row without created_at: the day the file was received. */
  receivedDate: string;
}) {
  const dateOptions = { notAfter: latestAcceptedDate(options.receivedDate) };
  return ZRawCustomerRow.transform((raw, ctx): TCustomerRecord => {
    const dropped: TDroppedField[] = [];
    const fail = (column: string | null, reason: string) => {
      ctx.addIssue({ code: 'custom', path: column ? [column] : [], message: reason });
    };
    const optional = <T>(column: string, result: TFieldResult<T>, fallback: T): T => {
      if (result.ok) return result.value;
      dropped.push({ column, reason: result.reason });
      return fallback;
    };
    // A control character rejects the row for that reason alone: the bulk path's CSV
    // scanner refuses such a record before any field is read.
    const controls = controlCharacterIssues(raw);
    if (controls.length > 0) {
      for (const issue of controls) fail(issue.column, issue.reason);
      return z.NEVER;
    }

    const customerId = blank(raw.customer_id);
    if (customerId === null) fail('customer_id', 'missing customer_id');
    else if (customerId.length > MAX_IDENTIFIER_LENGTH) {
      fail('customer_id', `customer_id longer than ${MAX_IDENTIFIER_LENGTH} characters`);
    }
    const civility = optional('civility', mapCivility(blank(raw.civility) ?? ''), null);
    const firstName = normalizePersonName(blank(raw.first_name) ?? '');
    const lastName = normalizePersonName(blank(raw.last_name) ?? '');
    const email = optional('email', normalizeEmail(blank(raw.email) ?? ''), null);
    const phoneMobile = optional(
      'phone_mobile',
      normalizePhone(blank(raw.phone_mobile) ?? ''),
      null,
    );
    const phoneLandline = optional(
      'phone_landline',
      normalizePhone(blank(raw.phone_landline) ?? ''),
      null,
    );
    const birthDate = optional(
      'birth_date',
      parseMemberDate(blank(raw.birth_date) ?? '', options.dateFormat, dateOptions),
      null,
    );
    const optinEmail = optional(
      'optin_email',
      parseOptin(blank(raw.optin_email) ?? undefined),
      false,
    );
    const optinSms = optional('optin_sms', parseOptin(blank(raw.optin_sms) ?? undefined), false);
    const optinPhone = optional(
      'optin_phone',
      parseOptin(blank(raw.optin_phone) ?? undefined),
      false,
    );
    const postcode = optional('postcode', normalizePostcode(blank(raw.postcode) ?? ''), null);
    const city = blank(raw.city);
    const commune = postcode === null && city === null ? null : resolveCommune({ postcode, city });
    const inseeCode = commune?.status === 'matched' ? commune.commune.inseeCode : null;
    const street = parseStreetLine(blank(raw.street) ?? '');
    const addressKey = addressMatchKey({
      postcode,
      inseeCode,
      street,
      locality: blank(raw.address_locality),
    });
    const buildingKey = dwellingPartKey(blank(raw.address_building));
    const complementKey = dwellingPartKey(blank(raw.address_complement));

    let createdAt = options.receivedDate;
    const rawCreatedAt = blank(raw.created_at);
    if (rawCreatedAt !== null) {
      const parsed = parseMemberDate(rawCreatedAt, options.dateFormat, dateOptions);
      if (!parsed.ok) fail('created_at', parsed.reason);
      else if (parsed.value !== null) createdAt = parsed.value;
    }
    if (addressKey === null && email === null && phoneMobile === null && phoneLandline === null) {
      fail(null, 'no usable contact point (postal address, email or phone)');
    }
    return {
      customerId: customerId ?? '',
      civility,
      firstName,
      lastName,
      street,
      postcode,
      city,
      inseeCode,
      communeStatus:
        commune === null ? 'missing' : commune.status === 'matched' ? 'matched' : commune.reason,
      addressKey,
      buildingKey,
      complementKey,
      dwellingKey: dwellingKey(
        addressKey,
        blank(raw.address_building),
        blank(raw.address_complement),
      ),
      email,
      phoneMobile,
      phoneLandline,
      birthDate,
      optinEmail,
      optinSms,
      optinPhone,
      createdAt,
      dropped,
    };
  });
}
