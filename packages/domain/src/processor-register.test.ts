import { describe, expect, it } from 'vitest';
import { formatRegisterCsv, REGISTER_CSV_COLUMNS } from './format-register-csv.ts';
import { formatRegisterMarkdown } from './format-register-markdown.ts';
import { ZInstructionBody } from './instruction.ts';
import {
  ALWAYS_PERFORMED_PROCESSING,
  buildProcessorRegister,
  type TBuildProcessorRegisterInput,
  type TRegisterMemberInput,
} from './processor-register.ts';
import { describeSecurityMeasures, type TSecurityFacts } from './security-measures.ts';

const FACTS: TSecurityFacts = {
  databaseUrl: null,
  redisUrl: null,
  pool: { encryptionAtRest: true, encryptionNote: null },
  countThreshold: 20,
  seedCount: 3,
  deliveryExpiryDays: 30,
  dropFileRetentionDays: 7,
  memberExportRetentionDays: 30,
};

const M01: TRegisterMemberInput = {
  code: 'M01',
  name: 'Maison Test',
  sector: 'equipement_maison',
  status: 'active',
  contractStart: '2026-01-01',
  contractEnd: null,
  instructionInForce: {
    version: 2,
    effectiveFrom: '2026-12-01',
    signedBy: 'Test Only, DPO',
    body: ZInstructionBody.parse({
      purposes: ['study', 'targeting'],
      channels: ['postal', 'email'],
      thirdPartyAllowed: false,
      clientSectorsAllow: null,
      clientSectorsDeny: ['equipement_maison'],
      retentionMonths: 24,
      signedBy: 'Test Only, DPO',
      effectiveFrom: '2026-12-01',
    }),
  },
  instructionHistory: [
    { version: 1, effectiveFrom: '2026-06-01', signedBy: 'Former Signer' },
    { version: 2, effectiveFrom: '2026-12-01', signedBy: 'Test Only, DPO' },
  ],
  usage: [
    {
      clientSector: 'energie',
      channel: 'postal',
      purpose: 'targeting',
      deliveredAt: new Date('2026-12-05T10:00:00Z'),
      personCount: 20,
    },
    {
      clientSector: 'energie',
      channel: 'email',
      purpose: 'targeting',
      deliveredAt: new Date('2026-12-10T10:00:00Z'),
      personCount: 15,
    },
    {
      clientSector: 'automobile',
      channel: 'postal',
      purpose: 'study',
      deliveredAt: new Date('2026-12-07T10:00:00Z'),
      personCount: 30,
    },
  ],
};

const M02: TRegisterMemberInput = {
  code: 'M02',
  name: '=HYPERLINK("x"), "Auto" | Test',
  sector: 'automobile',
  status: 'suspended',
  contractStart: null,
  contractEnd: null,
  instructionInForce: null,
  instructionHistory: [],
  usage: [],
};

function input(
  overrides: Partial<TBuildProcessorRegisterInput> = {},
): TBuildProcessorRegisterInput {
  return {
    processor: { name: 'Alliage (processor)', address: null, dpoContact: null },
    transfersOutsideEu: null,
    securityMeasures: describeSecurityMeasures(FACTS),
    generatedAt: new Date('2026-12-15T08:00:00Z'),
    members: [M02, M01],
    ...overrides,
  };
}

describe('buildProcessorRegister', () => {
  it('lists controllers by code with their instruction, history and processing', () => {
    const register = buildProcessorRegister(input());
    expect(register.controllers.map((controller) => controller.code)).toEqual(['M01', 'M02']);
    const [m01, m02] = register.controllers;
    expect(m01?.instruction).toMatchObject({
      version: 2,
      purposes: ['targeting', 'study'],
      retentionMonths: 24,
      thirdPartyAllowed: false,
    });
    expect(m01?.instructionHistory.map((version) => version.version)).toEqual([2, 1]);
    expect(m01?.processing.map((processing) => processing.purpose)).toEqual([
      'targeting',
      'study',
      ...ALWAYS_PERFORMED_PROCESSING.map(() => null),
    ]);
    expect(m01?.processing[0]?.category).toBe(
      'Selection of audiences for marketing campaigns (postal, email, SMS, phone)',
    );
    expect(m01?.retention.months).toBe(24);
    expect(m01?.recipients.permitted).toBe(
      'members only (no third party); every sector except equipement_maison; channels postal, email',
    );
    // No instruction: only what is always performed, nothing released, 36 months.
    expect(m02?.instruction).toBeNull();
    expect(m02?.processing).toHaveLength(ALWAYS_PERFORMED_PROCESSING.length);
    expect(m02?.retention.months).toBe(36);
    expect(m02?.recipients.permitted).toMatch(/^None/);
  });

  it('aggregates recipients by client sector, never by client', () => {
    const [m01] = buildProcessorRegister(input()).controllers;
    expect(m01?.recipients.bySector).toEqual([
      {
        clientSector: 'automobile',
        deliveryCount: 1,
        personCount: 30,
        channels: ['postal'],
        purposes: ['study'],
        lastDeliveredAt: '2026-12-07T10:00:00.000Z',
      },
      {
        clientSector: 'energie',
        deliveryCount: 2,
        personCount: 35,
        channels: ['email', 'postal'],
        purposes: ['targeting'],
        lastDeliveredAt: '2026-12-10T10:00:00.000Z',
      },
    ]);
  });

  it('states no transfer outside the EU unless configured', () => {
    expect(buildProcessorRegister(input()).transfers.outsideEu).toBe(false);
    const configured = buildProcessorRegister(
      input({ transfersOutsideEu: 'Support tooling in the UK; adequacy decision' }),
    );
    expect(configured.transfers).toEqual({
      outsideEu: true,
      description: 'Support tooling in the UK; adequacy decision',
    });
    expect(configured.controllers[0]?.transfers.outsideEu).toBe(true);
  });
});

describe('describeSecurityMeasures', () => {
  it('follows the running facts', () => {
    const state = (facts: TSecurityFacts, key: string) =>
      describeSecurityMeasures(facts).find((measure) => measure.key === key);
    expect(state(FACTS, 'encryption_at_rest')?.state).toBe('in_force');
    expect(
      state(
        { ...FACTS, pool: { encryptionAtRest: false, encryptionNote: 'no httpfs' } },
        'encryption_at_rest',
      ),
    ).toMatchObject({ state: 'not_in_force', detail: expect.stringContaining('no httpfs') });
    expect(state({ ...FACTS, pool: null }, 'encryption_at_rest')).toMatchObject({
      state: 'unknown',
      detail: 'unknown: the pool is not open in this process',
    });
    expect(state(FACTS, 'control_plane')?.detail).toMatch(/PGlite/);
    expect(state({ ...FACTS, databaseUrl: 'postgres://x/y' }, 'control_plane')?.detail).toMatch(
      /PostgreSQL/,
    );
    expect(state({ ...FACTS, redisUrl: 'redis://x' }, 'queue')?.detail).toMatch(/BullMQ/);
    expect(state({ ...FACTS, countThreshold: 50 }, 'disclosure_control')?.detail).toContain('50');
    expect(state(FACTS, 'key_only_sftp')?.state).toBe('in_force');
    expect(state(FACTS, 'erasure_enforcement')).toMatchObject({
      state: 'in_force',
      detail: expect.stringContaining('every pool build'),
    });
  });
});

describe('formatRegisterMarkdown', () => {
  it('renders the processor, measures and one record sheet per controller', () => {
    const markdown = formatRegisterMarkdown(buildProcessorRegister(input()));
    expect(markdown).toContain('# Register of processing activities carried out as processor');
    expect(markdown).toContain(
      '| Data protection officer (Délégué à la protection des données) | not configured |',
    );
    expect(markdown).toContain(
      "## Record sheet: M01 — Maison Test (Fiche de registre de l'activité)",
    );
    expect(markdown).toContain('| Version | Effective from | Signed by |');
    expect(markdown).toContain('| 1 | 2026-06-01 | Former Signer |');
    expect(markdown).toContain(
      '| energie | 2 | 35 | email, postal | targeting | 2026-12-10T10:00:00.000Z |',
    );
    expect(markdown).toContain(
      'No instruction in force: no purpose is allowed and nothing is released.',
    );
    expect(markdown).toContain(
      'Personal data transferred outside the European Union: no (Oui / Non).',
    );
    // A pipe in a name cannot break the table.
    expect(markdown).toContain(
      '| M02 — =HYPERLINK("x"), "Auto" \\| Test | automobile | suspended | none |',
    );
  });

  it('changes when the processor identity changes', () => {
    const before = formatRegisterMarkdown(buildProcessorRegister(input()));
    const after = formatRegisterMarkdown(
      buildProcessorRegister(
        input({
          processor: {
            name: 'Alliage SAS',
            address: '1 rue Test, Lyon',
            dpoContact: 'dpo@alliage.invalid',
          },
        }),
      ),
    );
    expect(after).not.toBe(before);
    expect(after).toContain(
      '| Data protection officer (Délégué à la protection des données) | dpo@alliage.invalid |',
    );
  });
});

describe('formatRegisterCsv', () => {
  it('writes one RFC 4180 row per controller and category, formula-safe', () => {
    const csv = formatRegisterCsv(buildProcessorRegister(input()));
    expect(csv.endsWith('\r\n')).toBe(true);
    const lines = csv.split('\r\n').slice(0, -1);
    expect(lines[0]).toBe(REGISTER_CSV_COLUMNS.join(','));
    // M01: 2 purposes + 4 always; M02: 4 always.
    expect(lines).toHaveLength(1 + 6 + 4);
    expect(lines[1]).toContain(',M01,Maison Test,equipement_maison,active,2026-01-01,,');
    expect(lines[1]).toContain(
      ',targeting,2,2026-12-01,"Test Only, DPO",postal email,no,all,equipement_maison,',
    );
    expect(lines[1]).toContain(
      '"automobile: 1 deliveries, 30 persons; energie: 2 deliveries, 35 persons"',
    );
    // The name starts with "=": neutralised, then quoted because of its quotes and comma.
    expect(lines[7]).toContain(`,M02,"'=HYPERLINK(""x""), ""Auto"" | Test",automobile,suspended,`);
  });

  it('writes the header alone without controllers', () => {
    const csv = formatRegisterCsv(buildProcessorRegister(input({ members: [] })));
    expect(csv).toBe(`${REGISTER_CSV_COLUMNS.join(',')}\r\n`);
  });
});
