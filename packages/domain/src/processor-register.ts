import { type TChannel, type TInstructionBody, type TPurpose, ZPurpose } from './instruction.ts';
import type { TOrgStatus } from './organisation.ts';
import type { TSector } from './sector.ts';
import type { TSecurityMeasure } from './security-measures.ts';

/** The processor's identity as the configuration gives it (Art. 30(2)(a)). */
export interface TRegisterProcessor {
  name: string;
  address: string | null;
  /** Contact of the data protection officer; null when not configured. */
  dpoContact: string | null;
}

/** One member (controller) as the control plane knows it, input of the register. */
export interface TRegisterMemberInput {
  code: string;
  name: string;
  sector: TSector;
  status: TOrgStatus;
  contractStart: string | null;
  contractEnd: string | null;
  /** The version in force at generation time, null when none applies yet. */
  instructionInForce: {
    version: number;
    effectiveFrom: string;
    signedBy: string;
    body: TInstructionBody;
  } | null;
  /** Every version, any order. */
  instructionHistory: { version: number; effectiveFrom: string; signedBy: string }[];
  /** Deliveries that used this member's records (client sector only, never the client). */
  usage: {
    clientSector: TSector;
    channel: TChannel;
    purpose: TPurpose;
    deliveredAt: Date;
    personCount: number;
  }[];
}

export interface TBuildProcessorRegisterInput {
  processor: TRegisterProcessor;
  /** Free text describing transfers outside the EU and their safeguards; null: none. */
  transfersOutsideEu: string | null;
  securityMeasures: TSecurityMeasure[];
  generatedAt: Date;
  members: TRegisterMemberInput[];
}

/** One category of processing carried out for a controller; `purpose` null: always performed. */
export interface TRegisterProcessing {
  purpose: TPurpose | null;
  category: string;
}

/** Deliveries of a controller's records to clients of one sector. */
export interface TRegisterRecipientSector {
  clientSector: TSector;
  deliveryCount: number;
  personCount: number;
  channels: TChannel[];
  purposes: TPurpose[];
  lastDeliveredAt: string;
}

export interface TRegisterTransfers {
  outsideEu: boolean;
  /** Transfers and safeguards as configured, or the statement that there are none. */
  description: string;
}

/** One record sheet ("fiche de registre"): a controller and what is done on its behalf. */
export interface TRegisterController {
  code: string;
  name: string;
  sector: TSector;
  status: TOrgStatus;
  contractStart: string | null;
  contractEnd: string | null;
  instruction: {
    version: number;
    effectiveFrom: string;
    signedBy: string;
    purposes: TPurpose[];
    channels: TChannel[];
    thirdPartyAllowed: boolean;
    clientSectorsAllow: TSector[] | null;
    clientSectorsDeny: TSector[];
    retentionMonths: number;
  } | null;
  /** Newest first. */
  instructionHistory: { version: number; effectiveFrom: string; signedBy: string }[];
  processing: TRegisterProcessing[];
  dataSubjects: string[];
  dataCategories: string[];
  recipients: { permitted: string; bySector: TRegisterRecipientSector[] };
  retention: { months: number; rule: string };
  transfers: TRegisterTransfers;
}

/** The register of processing activities carried out as processor (GDPR Art. 30(2)). */
export interface TProcessorRegister {
  regulation: 'GDPR Art. 30(2)';
  generatedAt: string;
  processor: TRegisterProcessor;
  securityMeasures: TSecurityMeasure[];
  transfers: TRegisterTransfers;
  controllers: TRegisterController[];
}

/** What each purpose of an instruction means as a category of processing. */
export const PROCESSING_BY_PURPOSE: Readonly<Record<TPurpose, string>> = {
  targeting: 'Selection of audiences for marketing campaigns (postal, email, SMS, phone)',
  enrichment: 'Enrichment with public, non-personal data (statistics by commune)',
  scoring: 'Scoring and segmentation (recency, frequency, amount, appetence)',
  study: 'Statistical studies on aggregated counts',
};

/** Processing performed for every member, whatever its purposes. */
export const ALWAYS_PERFORMED_PROCESSING: readonly string[] = [
  'Reception, decryption, validation and normalisation of customer and transaction files',
  'Deduplication of records into persons and households (identity resolution)',
  'Retention purge: records past the retention period are deleted from the pool',
  'Repoussoir: opposition and do-not-contact entries applied at every selection',
];

const DATA_SUBJECTS = ['Customers of the member', 'Prospects of the member'];

// The canonical member file (v1): the register lists what the platform can hold.
const DATA_CATEGORIES = [
  'Identity: civility, first name, last name, birth date, member customer identifier',
  'Postal address (NF Z10-011 lines, postcode, city, country)',
  'Email address, mobile and landline phone numbers',
  'Channel consents (email, SMS, phone)',
  'Transactions: date, amount, category, channel (kept as aggregates in the pool)',
  'No sensitive data (Art. 9): the file format has no field for it',
];

const NO_TRANSFER = 'None: no personal data is transferred outside the European Union';

/**
 * Builds the processor register from control data and running facts; pure, so
 * the same input always gives the same register.
 *
 * @example
 * const register = buildProcessorRegister({ processor, transfersOutsideEu: null,
 *   securityMeasures, generatedAt: new Date(), members });
 */
export function buildProcessorRegister(input: TBuildProcessorRegisterInput): TProcessorRegister {
  const transfers: TRegisterTransfers = input.transfersOutsideEu
    ? { outsideEu: true, description: input.transfersOutsideEu }
    : { outsideEu: false, description: NO_TRANSFER };
  const controllers = [...input.members]
    .sort((a, b) => compare(a.code, b.code))
    .map((member) => toController(member, transfers));
  return {
    regulation: 'GDPR Art. 30(2)',
    generatedAt: input.generatedAt.toISOString(),
    processor: { ...input.processor },
    securityMeasures: input.securityMeasures.map((measure) => ({ ...measure })),
    transfers,
    controllers,
  };
}

function toController(
  member: TRegisterMemberInput,
  transfers: TRegisterTransfers,
): TRegisterController {
  const inForce = member.instructionInForce;
  const instruction = inForce
    ? {
        version: inForce.version,
        effectiveFrom: inForce.effectiveFrom,
        signedBy: inForce.signedBy,
        purposes: sortPurposes(inForce.body.purposes),
        channels: [...inForce.body.channels],
        thirdPartyAllowed: inForce.body.thirdPartyAllowed,
        clientSectorsAllow: inForce.body.clientSectorsAllow
          ? [...inForce.body.clientSectorsAllow]
          : null,
        clientSectorsDeny: [...inForce.body.clientSectorsDeny],
        retentionMonths: inForce.body.retentionMonths,
      }
    : null;
  const processing: TRegisterProcessing[] = [
    ...(instruction?.purposes ?? []).map((purpose) => ({
      purpose,
      category: PROCESSING_BY_PURPOSE[purpose],
    })),
    ...ALWAYS_PERFORMED_PROCESSING.map((category) => ({ purpose: null, category })),
  ];
  // Without an instruction the pool keeps records at most 36 months (collectMemberPolicies).
  const retentionMonths = instruction?.retentionMonths ?? 36;
  return {
    code: member.code,
    name: member.name,
    sector: member.sector,
    status: member.status,
    contractStart: member.contractStart,
    contractEnd: member.contractEnd,
    instruction,
    instructionHistory: [...member.instructionHistory]
      .sort((a, b) => b.version - a.version)
      .map((version) => ({ ...version })),
    processing,
    dataSubjects: [...DATA_SUBJECTS],
    dataCategories: [...DATA_CATEGORIES],
    recipients: {
      permitted: describePermittedRecipients(instruction),
      bySector: recipientsBySector(member.usage),
    },
    retention: {
      months: retentionMonths,
      rule: `${retentionMonths} months after the last activity (last transaction, or collection date for a prospect), then deleted from the pool; a later file does not bring the record back`,
    },
    transfers,
  };
}

function describePermittedRecipients(instruction: TRegisterController['instruction']): string {
  if (!instruction) return 'None: no instruction in force, no release to any recipient';
  const who = instruction.thirdPartyAllowed
    ? 'members and third-party clients'
    : 'members only (no third party)';
  const allow = instruction.clientSectorsAllow
    ? `sectors ${instruction.clientSectorsAllow.join(', ')}`
    : 'every sector';
  const deny =
    instruction.clientSectorsDeny.length > 0
      ? ` except ${instruction.clientSectorsDeny.join(', ')}`
      : '';
  return `${who}; ${allow}${deny}; channels ${instruction.channels.join(', ')}`;
}

function recipientsBySector(usage: TRegisterMemberInput['usage']): TRegisterRecipientSector[] {
  const bySector = new Map<TSector, TRegisterRecipientSector>();
  for (const delivery of usage) {
    const deliveredAt = delivery.deliveredAt.toISOString();
    const entry = bySector.get(delivery.clientSector) ?? {
      clientSector: delivery.clientSector,
      deliveryCount: 0,
      personCount: 0,
      channels: [],
      purposes: [],
      lastDeliveredAt: deliveredAt,
    };
    entry.deliveryCount += 1;
    entry.personCount += delivery.personCount;
    if (!entry.channels.includes(delivery.channel)) entry.channels.push(delivery.channel);
    if (!entry.purposes.includes(delivery.purpose)) entry.purposes.push(delivery.purpose);
    if (deliveredAt > entry.lastDeliveredAt) entry.lastDeliveredAt = deliveredAt;
    bySector.set(delivery.clientSector, entry);
  }
  return [...bySector.values()]
    .map((entry) => ({
      ...entry,
      channels: [...entry.channels].sort(compare),
      purposes: sortPurposes(entry.purposes),
    }))
    .sort((a, b) => compare(a.clientSector, b.clientSector));
}

function sortPurposes(purposes: readonly TPurpose[]): TPurpose[] {
  const order = ZPurpose.options;
  return [...purposes].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
