// The derived profile in an access answer (GDPR Art. 15(1), 15(1)(h)), on a real control
// plane (PGlite, and PostgreSQL when DATABASE_URL is set), a real pool (DuckDB file,
// loaded through loadMemberDrop so both members' records resolve into one person) and
// real GnuPG. One person is a customer of M01 (one small purchase, email consent) and of
// M02 (ten large purchases, SMS consent): the pool's own profile of the person mixes
// both, but each member's export shows what that member's records alone give.
import { listLatestAuditEvents } from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { hasGpg } from '@alliage/crypto/testing';
import { appetenceFromDecayedSpend, SEGMENTS_VERSION } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAccessTestEnv, type TAccessTestEnv } from './access-test-env.ts';
import type { TAccessProfileSegment } from './build-access-profile.ts';

// The same person at both members (other customer IDs, other consents).
const shared = (customerId: string, consents: { email: 0 | 1; mobile: string; sms: 0 | 1 }) =>
  `${customerId},MME,Claire,PARTAGEE,,,10 rue de la Paix,,75002,PARIS,FR,claire.partagee@exemple.test,${consents.mobile},,1980-01-01,${consents.email},${consents.sms},0,2026-01-10`;
const STRANGER =
  'B-2,M,Paul,MARTIN,,,8 rue Nationale,,59000,LILLE,FR,paul.martin@exemple.test,,,1975-05-05,1,0,0,2026-01-10';

/** The value of one segment (and sector) in an exported person profile. */
const segmentValue = (segments: TAccessProfileSegment[], segment: string, sector?: string) =>
  segments.find((entry) => entry.segment === segment && entry.sector === sector)?.value;

describe.skipIf(!hasGpg).each(testControlDbKinds())('access answer profile (%s)', (kind) => {
  let env: TAccessTestEnv;
  const now = new Date('2026-12-10T10:00:00Z');

  /** A member's access export for the person with `email`: its request and its profile. */
  const accessAnswer = async (memberCode: string, email: string) => {
    const { request, data } = await env.requestAccess(memberCode, email);
    return { request, profile: data.profile };
  };

  beforeAll(async () => {
    env = await openAccessTestEnv(kind, () => now);
    await env.load('M01', [shared('A-1', { email: 1, mobile: '', sms: 0 })]);
    await env.load('M02', [shared('B-1', { email: 0, mobile: '0612345678', sms: 1 }), STRANGER]);
    await env.load('M01', ['A-1,T-A1,2026-11-01,30.00,cuisine,web'], 'transactions');
    // M01's competitor in its own sector sells the same person a lot: none of it may
    // reach M01's answer (rule 1), though the pool's sector profile adds it up.
    await env.load('M03', [shared('C-1', { email: 1, mobile: '', sms: 0 })]);
    await env.load(
      'M03',
      Array.from(
        { length: 8 },
        (_, index) =>
          `C-1,T-C${index},2026-${String(index + 3).padStart(2, '0')}-15,400.00,cuisine,web`,
      ),
      'transactions',
    );
    await env.load(
      'M02',
      Array.from(
        { length: 10 },
        (_, index) =>
          `B-1,T-B${index},2026-${String(index + 2).padStart(2, '0')}-20,150.00,sejour,web`,
      ),
      'transactions',
    );
  });

  afterAll(async () => {
    await env?.close();
  });

  it("gives each member the profile of the person from that member's records alone", async () => {
    // The pool's own profile mixes both members: reachable by email (M01) and SMS (M02),
    // a buyer at two members.
    const connection = await env.warehouse.connect();
    try {
      const pooled = (
        await connection.runAndReadAll(
          'SELECT reach_email, reach_sms, multi_member_buyer FROM person_profile WHERE member_count = 3',
        )
      ).getRowsJS();
      expect(pooled).toEqual([[true, true, true]]);
    } finally {
      connection.closeSync();
    }

    const connection2 = await env.warehouse.connect();
    try {
      // The pool's sector profile counts M01's and M03's purchases together.
      const sector = (
        await connection2.runAndReadAll(
          `SELECT frequency_score, rfm_segment FROM person_sector_profile
           WHERE sector = 'equipement_maison' AND person_id IN (SELECT person_id FROM person_profile WHERE member_count = 3)`,
        )
      ).getRowsJS();
      expect(sector).toHaveLength(1);
      expect(sector[0]?.[0]).toBeGreaterThan(1);
    } finally {
      connection2.closeSync();
    }

    const m01 = await accessAnswer('M01', 'claire.partagee@exemple.test');
    expect(m01.request.items.map((item) => item.memberCode)).toEqual(['M01', 'M02', 'M03']);
    expect(m01.profile.segmentsVersion).toBe(SEGMENTS_VERSION);
    expect(m01.profile.persons).toHaveLength(1);
    const atM01 = m01.profile.persons[0];
    expect(atM01?.customerIds).toEqual(['A-1']);
    const m01Segments = atM01?.segments ?? [];
    expect(segmentValue(m01Segments, 'age_band')).toBe('45-54');
    expect(segmentValue(m01Segments, 'civility')).toBe('MME');
    expect(segmentValue(m01Segments, 'reach_email')).toBe('yes');
    // M02's mobile and SMS consent do not make the person reachable by SMS at M01.
    expect(segmentValue(m01Segments, 'reach_sms')).toBe('no');
    // Only M01's sector, from its one purchase of 30 € a month ago: M02's ten purchases
    // of 150 € would make the person a frequent, high-value buyer.
    expect([...new Set(m01Segments.map((entry) => entry.sector).filter(Boolean))]).toEqual([
      'equipement_maison',
    ]);
    expect(segmentValue(m01Segments, 'rfm_segment', 'equipement_maison')).toBe('active');
    expect(segmentValue(m01Segments, 'frequency_score', 'equipement_maison')).toBe(1);
    expect(segmentValue(m01Segments, 'monetary_score', 'equipement_maison')).toBe(1);
    expect(segmentValue(m01Segments, 'appetence_score', 'equipement_maison')).toBe(
      appetenceFromDecayedSpend(30 * 0.5 ** (1 / 12)),
    );
    // Every value is explained, and what other members' records give is named, not shown.
    for (const entry of m01Segments) expect(entry.explanation.length).toBeGreaterThan(10);
    const withheld = m01.profile.notDisclosed.flatMap((entry) => entry.segments);
    expect(withheld).toEqual(expect.arrayContaining(['multi_member_buyer', 'household_size']));
    expect(m01Segments.map((entry) => entry.segment)).not.toContain('multi_member_buyer');
    expect(m01Segments.map((entry) => entry.segment)).not.toContain('household_size');
    expect(JSON.stringify(m01.profile)).not.toContain('loisirs_voyages');

    const m02 = await accessAnswer('M02', 'claire.partagee@exemple.test');
    const m02Segments = m02.profile.persons[0]?.segments ?? [];
    expect(m02.profile.persons[0]?.customerIds).toEqual(['B-1']);
    expect(segmentValue(m02Segments, 'reach_email')).toBe('no');
    expect(segmentValue(m02Segments, 'reach_sms')).toBe('yes');
    expect(segmentValue(m02Segments, 'rfm_segment', 'loisirs_voyages')).toBe('active_high_value');
    expect(segmentValue(m02Segments, 'frequency_score', 'loisirs_voyages')).toBe(5);
    expect(JSON.stringify(m02.profile)).not.toContain('equipement_maison');

    // The audit step counts the profiles, and holds none of their values.
    const forwarded = (await listLatestAuditEvents(env.ctx, 10)).find(
      (event) => event.organisationCode === 'M02' && event.details.step === 'forwarded',
    );
    expect(forwarded?.details).toMatchObject({ profiles: 1 });
    const details = JSON.stringify(forwarded?.details);
    for (const value of ['active_high_value', 'loisirs_voyages', 'MME', '45-54']) {
      expect(details).not.toContain(value);
    }
  });

  it('gives a person with no purchase the prospect profile of the sector', async () => {
    const m02 = await accessAnswer('M02', 'paul.martin@exemple.test');
    expect(m02.request.items.map((item) => item.memberCode)).toEqual(['M02']);
    const segments = m02.profile.persons[0]?.segments ?? [];
    expect(m02.profile.persons[0]?.customerIds).toEqual(['B-2']);
    expect(segmentValue(segments, 'civility')).toBe('M');
    expect(segmentValue(segments, 'rfm_segment', 'loisirs_voyages')).toBe('prospect');
    expect(segmentValue(segments, 'frequency_score', 'loisirs_voyages')).toBe(0);
    expect(segmentValue(segments, 'appetence_score', 'loisirs_voyages')).toBe(0);
  });
});
