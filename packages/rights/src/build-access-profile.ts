import { getOrganisation } from '@alliage/control';
import { SEGMENT_DEFINITIONS, SEGMENTS_VERSION } from '@alliage/domain';
import { readMemberPersonProfiles, type TMemberPersonProfile } from '@alliage/warehouse';
import type { TRightsDeps } from './rights-deps.ts';

/** One derived value of a person, as the access export writes it. */
export interface TAccessProfileSegment {
  /** The segment's name in `SEGMENT_DEFINITIONS` (docs/pool.md, "Segments"). */
  segment: string;
  /** Per-sector segments: the member's sector. */
  sector?: string;
  value: string | number;
  /** The version of the segment's definition the value was computed under. */
  version: number;
  /** What the value means, in plain words, for the member to explain it to the person. */
  explanation: string;
}

/** The derived profile part of an access export (GDPR Art. 15(1) and 15(1)(h)). */
export interface TAccessProfile {
  segmentsVersion: number;
  computedFrom: string;
  documentation: string;
  persons: { customerIds: string[]; segments: TAccessProfileSegment[] }[];
  notDisclosed: { segments: string[]; reason: string }[];
}

const COMPUTED_FROM =
  "Computed at the time of this export from your records of the person and their transactions only, with the pool's segment rules; never from another member's records. Selections use these segments as criteria (profiling, GDPR Art. 15(1)(h)); no decision with legal or similarly significant effect is made from them.";
const DOCUMENTATION =
  'Alliage docs/compliance.md, "Rights requests" (Derived profile), and docs/pool.md, "Segments"';

// What the pool also derives about a person but a single member's request does not get:
// each depends on other members' records (or on other persons), so its value would tell
// this member about them.
const NOT_DISCLOSED = [
  {
    segments: ['multi_member_buyer'],
    reason:
      "Whether the person bought from two members or more: it reveals the person's relationship with other members, whose data it comes from.",
  },
  {
    segments: [
      'household_size',
      'household_person_count',
      'household_population_class',
      'household_reach_postal',
    ],
    reason:
      "The person's household: it groups other persons at the same dwelling, found through all members' records; it would disclose other persons and other members' data.",
  },
  {
    segments: ['population_class', 'departement', 'region', 'epci'],
    reason:
      "The pool takes the person's commune from the record of their dwelling, which may be another member's; your own address of the person is in the records above.",
  },
];

const MEMBER_SEGMENTS = [
  'age_band',
  'civility',
  'reach_postal',
  'reach_email',
  'reach_sms',
  'reach_phone',
];
const SECTOR_SEGMENTS = [
  'rfm_segment',
  'recency_score',
  'frequency_score',
  'monetary_score',
  'appetence_score',
];

/**
 * The profile the pool derives of the persons of `customerIds` at `memberCode`, for that
 * member's access export: age band, civility, reach per channel and the member's sector
 * RFM and appetence, each computed from that member's records alone
 * (`readMemberPersonProfiles`), with its definition's version and meaning, and the
 * segments withheld because other members' records shape them.
 *
 * @example
 * const profile = await buildAccessProfile(deps, 'M01', ['C42']);
 */
export async function buildAccessProfile(
  deps: Pick<TRightsDeps, 'ctx' | 'warehouse'>,
  memberCode: string,
  customerIds: readonly string[],
): Promise<TAccessProfile> {
  const member = await getOrganisation(deps.ctx, memberCode);
  const profiles = await readMemberPersonProfiles(deps.warehouse, {
    memberCode,
    sector: member.sector,
    customerIds,
    today: deps.ctx.clock().toISOString().slice(0, 10),
  });
  return {
    segmentsVersion: SEGMENTS_VERSION,
    computedFrom: COMPUTED_FROM,
    documentation: DOCUMENTATION,
    persons: profiles.map((profile) => ({
      customerIds: profile.customerIds,
      segments: personSegments(profile),
    })),
    notDisclosed: NOT_DISCLOSED,
  };
}

function personSegments(profile: TMemberPersonProfile): TAccessProfileSegment[] {
  const yesNo = (reach: boolean) => (reach ? 'yes' : 'no');
  const values: Record<string, string | number> = {
    age_band: profile.ageBand,
    civility: profile.civility,
    reach_postal: yesNo(profile.reach.postal),
    reach_email: yesNo(profile.reach.email),
    reach_sms: yesNo(profile.reach.sms),
    reach_phone: yesNo(profile.reach.phone),
  };
  const segments = MEMBER_SEGMENTS.map((name) => segment(name, values[name] as string));
  const sector = profile.sectorProfile;
  if (!sector) return segments;
  const sectorValues: Record<string, string | number> = {
    rfm_segment: sector.rfmSegment,
    recency_score: sector.recencyScore,
    frequency_score: sector.frequencyScore,
    monetary_score: sector.monetaryScore,
    appetence_score: sector.appetenceScore,
  };
  return [
    ...segments,
    ...SECTOR_SEGMENTS.map((name) => ({
      ...segment(name, sectorValues[name] as string | number),
      sector: sector.sector,
    })),
  ];
}

function segment(name: string, value: string | number): TAccessProfileSegment {
  const definition = SEGMENT_DEFINITIONS.find((entry) => entry.name === name);
  if (!definition) throw new Error(`no segment definition ${name}`);
  return { segment: name, value, version: definition.version, explanation: definition.description };
}
