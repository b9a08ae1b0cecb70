import { z } from 'zod';

/** Canonical columns of the `customers` file (DESIGN.md, member file format v1). */
export const CUSTOMER_COLUMNS = [
  'customer_id',
  'civility',
  'first_name',
  'last_name',
  'address_complement',
  'address_building',
  'street',
  'address_locality',
  'postcode',
  'city',
  'country',
  'email',
  'phone_mobile',
  'phone_landline',
  'birth_date',
  'optin_email',
  'optin_sms',
  'optin_phone',
  'created_at',
] as const;

/** Canonical columns of the `transactions` file. */
export const TRANSACTION_COLUMNS = [
  'customer_id',
  'transaction_id',
  'date',
  'amount_eur',
  'category',
  'channel',
] as const;

/** Columns a file may leave out: a missing `optin_*` column means "no consent". */
export const OPTIONAL_CUSTOMER_COLUMNS: readonly string[] = [
  'optin_email',
  'optin_sms',
  'optin_phone',
];

/**
 * Columns of an `optouts` file: one contact point a line (`kind` as in `ZRepoussoirValue`;
 * the header may say `type` instead) and the channels it closes (`scope`, optional, default `all`).
 */
export const OPTOUT_COLUMNS = ['kind', 'value', 'scope'] as const;

/** Kinds of files loaded into the pool. */
export const ZMemberFileKind = z.enum(['customers', 'transactions']);
export type TMemberFileKind = z.infer<typeof ZMemberFileKind>;

/** Kinds of files a member may drop: the pool kinds, and its own opt-out list (repoussoir only). */
export const ZDropFileKind = z.enum([...ZMemberFileKind.options, 'optouts']);
export type TDropFileKind = z.infer<typeof ZDropFileKind>;

/** Canonical columns of a file kind. */
export function canonicalColumns(kind: TDropFileKind): readonly string[] {
  if (kind === 'optouts') return OPTOUT_COLUMNS;
  return kind === 'customers' ? CUSTOMER_COLUMNS : TRANSACTION_COLUMNS;
}

/** What a drop's file name says: its kind, whether it is a delta, and its encoding wrapper. */
export interface TDropFileName {
  kind: TDropFileKind;
  /** A `customers` delta adds and updates; a full file also removes customers it no longer lists. */
  delta: boolean;
  armoured: boolean;
}

const DROP_NAME =
  /^(?:[A-Za-z0-9][A-Za-z0-9._-]*?[._-])?(customers|transactions|optouts)(-delta)?(?:[._-][A-Za-z0-9._-]*?)?\.(csv\.pgp|csv\.gpg|csv\.asc|pgp|gpg|asc)$/i;

/**
 * Reads the kind of a member file from its name: it must contain `customers`,
 * `transactions` or `optouts` as a word, optionally followed by `-delta`, and end in `.csv.pgp`,
 * `.csv.gpg`, `.asc` (armoured) or `.pgp`/`.gpg`. Returns null when it does not.
 *
 * @example
 * parseDropFileName('M01_customers-delta_20261123.csv.pgp') // { kind: 'customers', delta: true, armoured: false }
 * parseDropFileName('M01_optouts_20261203.csv.pgp') // { kind: 'optouts', delta: false, armoured: false }
 */
export function parseDropFileName(fileName: string): TDropFileName | null {
  const match = DROP_NAME.exec(fileName);
  if (!match) return null;
  const kind = match[1]?.toLowerCase() as TDropFileKind;
  const extension = match[3]?.toLowerCase() ?? '';
  return {
    kind,
    delta: Boolean(match[2]) && kind === 'customers',
    armoured: extension.endsWith('asc'),
  };
}
