import { z } from 'zod';
import { ZChannel, ZPurpose } from './instruction.ts';
import { ZSector } from './sector.ts';
import { AGE_BANDS, RFM_SEGMENTS, SEGMENT_DEFINITIONS } from './segment-rules.ts';

/**
 * Selection criteria: what a client asks for. Every part is optional and the
 * parts are ANDed. Eligibility (instructions, consent, 36 months, repoussoir,
 * isolation) is never a criterion: the compiler always adds it.
 * Values are validated here and bound as SQL parameters, never spliced.
 */

const ZInseeCode = z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'must be a 5-character INSEE code');
const ZDepartementCode = z
  .string()
  .regex(
    /^(0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-8])$/,
    'must be a département code (01–95, 2A, 2B, 971–978)',
  );
const ZRegionCode = z.string().regex(/^\d{2}$/, 'must be a 2-digit région code');
const ZPostcodePrefix = z.string().regex(/^\d{1,5}$/, 'must be 1 to 5 digits');

const list = <T extends z.ZodType>(item: T, max = 500) => z.array(item).min(1).max(max);

export const ZGeographyCriterion = z
  .object({
    regions: list(ZRegionCode).optional(),
    departements: list(ZDepartementCode).optional(),
    communes: list(ZInseeCode, 5000).optional(),
    postcodePrefixes: list(ZPostcodePrefix).optional(),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'name at least one area');
export type TGeographyCriterion = z.infer<typeof ZGeographyCriterion>;

/** Bought (in a sector's members and/or a category) within the last N months, K times, A euros. */
export const ZPurchaseCriterion = z
  .object({
    sector: ZSector.optional(),
    category: z.string().trim().min(1).max(100).optional(),
    withinMonths: z.number().int().min(1).max(36).optional(),
    minPurchases: z.number().int().min(1).max(10_000).default(1),
    minSpendEur: z.number().min(0).max(10_000_000).optional(),
  })
  .strict();
export type TPurchaseCriterion = z.infer<typeof ZPurchaseCriterion>;

const SEGMENT_NAMES = SEGMENT_DEFINITIONS.map((definition) => definition.name) as [
  string,
  ...string[],
];

/**
 * Any segment of `SEGMENT_DEFINITIONS` (person, household or per-sector level),
 * with the values wanted; per-sector segments need `sector`.
 */
export const ZSegmentCriterion = z
  .object({
    name: z.enum(SEGMENT_NAMES),
    values: list(z.string().min(1).max(100), 200),
    sector: ZSector.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const definition = SEGMENT_DEFINITIONS.find((candidate) => candidate.name === value.name);
    if (!definition) return;
    if (definition.level === 'person_sector' && !value.sector) {
      ctx.addIssue({ code: 'custom', path: ['sector'], message: `${value.name} needs a sector` });
    }
    if (definition.level !== 'person_sector' && value.sector) {
      ctx.addIssue({ code: 'custom', path: ['sector'], message: `${value.name} has no sector` });
    }
    const allowed = definition.values as readonly string[] | null;
    if (allowed) {
      const unknown = value.values.filter((candidate) => !allowed.includes(candidate));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['values'],
          message: `unknown values for ${value.name}: ${unknown.join(', ')}`,
        });
      }
    }
  });
export type TSegmentCriterion = z.infer<typeof ZSegmentCriterion>;

/** A column of an imported reference table (`ref_<table>`, keyed by the commune's INSEE code). */
export const ZReferenceCriterion = z
  .object({
    table: z.string().regex(/^[a-z][a-z0-9_]{0,40}$/),
    column: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/),
    min: z.number().optional(),
    max: z.number().optional(),
    values: list(z.string().max(200), 500).optional(),
  })
  .strict()
  .refine(
    (value) => value.min !== undefined || value.max !== undefined || value.values !== undefined,
    'give min, max or values',
  );
export type TReferenceCriterion = z.infer<typeof ZReferenceCriterion>;

export const ZSampling = z.enum(['random', 'best_score']);
export type TSampling = z.infer<typeof ZSampling>;

export const ZSelectionCriteria = z
  .object({
    geography: ZGeographyCriterion.optional(),
    age: z
      .object({
        min: z.number().int().min(18).max(120).optional(),
        max: z.number().int().min(18).max(120).optional(),
      })
      .strict()
      .refine(
        (value) => value.min === undefined || value.max === undefined || value.min <= value.max,
        'min must not exceed max',
      )
      .optional(),
    civility: list(z.enum(['M', 'MME'])).optional(),
    /** Each purchase criterion must hold (AND). */
    purchases: list(ZPurchaseCriterion, 20).optional(),
    /** Bought from at least this many distinct members. */
    minDistinctMembers: z.number().int().min(1).max(100).optional(),
    /** Also reachable on these channels (the ordered channel is always required). */
    reachableChannels: list(ZChannel, 4).optional(),
    segments: list(ZSegmentCriterion, 20).optional(),
    reference: list(ZReferenceCriterion, 10).optional(),
    /** For clients that are members: leave out persons holding a record of the client itself. */
    excludeOwnCustomers: z.boolean().default(false),
    /** Leave out persons delivered to this client in the last N days. */
    excludeDeliveredWithinDays: z.number().int().min(1).max(3650).optional(),
    /** At most one person per household (postal dwelling). */
    onePerHousehold: z.boolean().default(false),
    /** How to pick `quantity` persons among the eligible ones when there are more. */
    sampling: ZSampling.default('random'),
    /** `best_score` ranks by appetence in this sector (then recency). */
    scoreSector: ZSector.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.sampling === 'best_score' && !value.scoreSector) {
      ctx.addIssue({ code: 'custom', path: ['scoreSector'], message: 'best_score needs a sector' });
    }
  });
export type TSelectionCriteriaInput = z.input<typeof ZSelectionCriteria>;
export type TSelectionCriteria = z.output<typeof ZSelectionCriteria>;

/**
 * A client's selection request: criteria plus the channel, purpose and campaign
 * window the release is for (instructions and seed hits are checked against them).
 *
 * @example
 * ZSelectionRequest.parse({ name: 'Spring mailing', channel: 'postal', purpose: 'targeting',
 *   campaignStart: '2027-03-01', campaignEnd: '2027-03-31',
 *   criteria: { geography: { departements: ['69'] }, age: { min: 35, max: 64 } } });
 */
export const ZSelectionRequest = z
  .object({
    name: z.string().trim().min(1).max(200),
    channel: ZChannel,
    purpose: ZPurpose,
    campaignStart: z.iso.date(),
    campaignEnd: z.iso.date(),
    criteria: ZSelectionCriteria.default({
      excludeOwnCustomers: false,
      onePerHousehold: false,
      sampling: 'random',
    }),
  })
  .strict()
  .refine((value) => value.campaignStart <= value.campaignEnd, {
    path: ['campaignEnd'],
    message: 'must not be before campaignStart',
  });
export type TSelectionRequestInput = z.input<typeof ZSelectionRequest>;
export type TSelectionRequest = z.output<typeof ZSelectionRequest>;

/** Allowed values of age bands and RFM segments, re-exported for documentation and forms. */
export const SELECTION_VALUE_LISTS = { ageBands: AGE_BANDS, rfmSegments: RFM_SEGMENTS } as const;
