import { z } from 'zod';

/** The kind of contact point an entry names: an email, a phone (E.164) or a postal identity. */
export const ZRepoussoirKind = z.enum(['email', 'phone', 'postal']);
export type TRepoussoirKind = z.infer<typeof ZRepoussoirKind>;

/** Which channels an entry closes: every channel, or one. */
export const ZRepoussoirScope = z.enum(['all', 'postal', 'email', 'sms', 'phone']);
export type TRepoussoirScope = z.infer<typeof ZRepoussoirScope>;

/**
 * Where an entry comes from: a data subject's request, a member's own opt-out list, a
 * national list (Bloctel, Robinson…), or an operator's decision.
 */
export const ZRepoussoirSource = z.enum([
  'subject_request',
  'member_optout',
  'national_list',
  'operator',
]);
export type TRepoussoirSource = z.infer<typeof ZRepoussoirSource>;

/** Hex HMAC-SHA-256 of a contact point's `repoussoirKey`: what is stored instead of the value. */
export const ZRepoussoirHash = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex HMAC-SHA-256 (64 characters)');

/** A reference to the request or decision behind entries (ticket, letter, list version); never the value. */
export const ZRepoussoirSourceReference = z.string().trim().min(1).max(200).nullish();

/** At most this many entries in one import request (the API's limit; the CLI sends batches of it). */
export const REPOUSSOIR_IMPORT_MAX_ENTRIES = 10_000;

/** One hashed contact point and the channels it closes. */
export const ZRepoussoirHashEntry = z
  .object({
    kind: ZRepoussoirKind,
    hmac: ZRepoussoirHash,
    scope: ZRepoussoirScope.default('all'),
  })
  .strict();
export type TRepoussoirHashEntryInput = z.input<typeof ZRepoussoirHashEntry>;
export type TRepoussoirHashEntry = z.output<typeof ZRepoussoirHashEntry>;

/** Where a change to the repoussoir comes from. */
export const ZRepoussoirProvenance = z
  .object({
    source: ZRepoussoirSource.default('operator'),
    sourceReference: ZRepoussoirSourceReference.transform((value) => value ?? null),
  })
  .strict();
export type TRepoussoirProvenanceInput = z.input<typeof ZRepoussoirProvenance>;
export type TRepoussoirProvenance = z.output<typeof ZRepoussoirProvenance>;

/** One entry to add: the hashed contact point, its scope and its provenance. */
export const ZRepoussoirEntryInput = ZRepoussoirHashEntry.extend(
  ZRepoussoirProvenance.shape,
).strict();
export type TRepoussoirEntryInput = z.input<typeof ZRepoussoirEntryInput>;
export type TRepoussoirEntryFields = z.output<typeof ZRepoussoirEntryInput>;

/** Longest contact point accepted in clear (an email is at most 254; a postal identity, 4 parts). */
export const REPOUSSOIR_VALUE_MAX_LENGTH = 300;

/**
 * A contact point in clear, as a caller sends it to be normalised and hashed by the
 * platform: an email, a phone, or a postal identity `LAST NAME|FIRST NAME|POSTCODE|STREET LINE`
 * (the locality in place of the street line for an address that has none, a lieu-dit).
 */
export const ZRepoussoirValue = z
  .object({
    kind: ZRepoussoirKind,
    value: z.string().min(1).max(REPOUSSOIR_VALUE_MAX_LENGTH),
  })
  .strict();
export type TRepoussoirValue = z.infer<typeof ZRepoussoirValue>;

/** Body of `POST /v1/repoussoir`: one contact point in clear, its scope and provenance. */
export const ZRepoussoirAddRequest = ZRepoussoirValue.extend({
  scope: ZRepoussoirScope.default('all'),
  ...ZRepoussoirProvenance.shape,
}).strict();
export type TRepoussoirAddRequest = z.input<typeof ZRepoussoirAddRequest>;

/** Body of `POST /v1/repoussoir/import`: up to 10,000 contact points in clear, one scope and provenance. */
export const ZRepoussoirImportRequest = z
  .object({
    entries: z
      .array(ZRepoussoirValue)
      .min(1, 'must hold at least one entry')
      .max(
        REPOUSSOIR_IMPORT_MAX_ENTRIES,
        `must hold at most ${REPOUSSOIR_IMPORT_MAX_ENTRIES} entries`,
      ),
    scope: ZRepoussoirScope.default('all'),
    ...ZRepoussoirProvenance.shape,
  })
  .strict();
export type TRepoussoirImportRequest = z.input<typeof ZRepoussoirImportRequest>;

/** The reason recorded on a withdrawal: a compliance decision, in staff words. */
export const ZRepoussoirWithdrawalReason = z.string().trim().min(1).max(1000);

/**
 * Body of `POST /v1/repoussoir/withdrawals`: withdraws every entry in force from one
 * source and reference at once (a national list version superseded by the next one, a
 * request reversed), with the reason for the decision. Entries of any other provenance,
 * even for the same contact points, stay in force.
 */
export const ZRepoussoirProvenanceWithdrawal = z
  .object({
    source: ZRepoussoirSource,
    sourceReference: z.string().trim().min(1).max(200),
    reason: ZRepoussoirWithdrawalReason,
  })
  .strict();
export type TRepoussoirProvenanceWithdrawal = z.output<typeof ZRepoussoirProvenanceWithdrawal>;

/**
 * Where the repoussoir stands: `epoch` names the control plane's list (a new one, e.g.
 * a control plane restored or replaced, has another) and `version` grows by one with
 * every committed change (entries added, an entry withdrawn), in commit order.
 */
export interface TRepoussoirHead {
  epoch: string;
  version: number;
}

/** An entry as a change left it: still in force (`active`) or withdrawn. */
export interface TRepoussoirChange {
  id: string;
  /** The version of the change that last touched the entry. */
  version: number;
  kind: TRepoussoirKind;
  hmac: string;
  scope: TRepoussoirScope;
  active: boolean;
}

/**
 * The repoussoir as a feed of changes, for a copy (the pool's mirror) to catch up by
 * versions instead of reading the whole list each time: a national list holds millions
 * of entries. `changes` answers, oldest first by (version, id), the entries whose last
 * change is after `after` and at most `upTo`, `limit` at a time: `after` without `id`
 * is after every entry of that version (`{ version: 0 }` reads from the start), with
 * the last entry of a page it is where the next page starts.
 */
export interface TRepoussoirFeed {
  head(): Promise<TRepoussoirHead>;
  changes(request: {
    after: { version: number; id?: string };
    upTo: number;
    limit: number;
  }): Promise<TRepoussoirChange[]>;
}
