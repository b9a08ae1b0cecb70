import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { TWarehouse } from './open-warehouse.ts';
import { ALL_RECORDS_WITH_ACTIVITY, personMemberReachSql } from './person-member-reach-sql.ts';
import { sectorProfileSql } from './sector-profile-sql.ts';
import { ageBandSql, mostFrequentValueSql, sqlDate } from './segment-sql.ts';

/** The sector scores of a person from one member's records and purchases alone. */
export interface TMemberSectorProfile {
  sector: string;
  rfmSegment: string;
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
  appetenceScore: number;
}

/** A person's profile as one member's records of it alone give it (segment rules of `SEGMENT_DEFINITIONS`). */
export interface TMemberPersonProfile {
  /** The member's customer IDs of the person (among those asked for). */
  customerIds: string[];
  /** `age_band`: from the most frequent birth date of these records. */
  ageBand: string;
  /** `civility`: the most frequent civility of these records, `unknown` without one. */
  civility: string;
  /** `reach_*`: these records carry that channel's contact point (with its consent). */
  reach: { postal: boolean; email: boolean; sms: boolean; phone: boolean };
  /** The member's sector: RFM and appetence from its purchases only; null when the member has no sector. */
  sectorProfile: TMemberSectorProfile | null;
}

/**
 * The derived profile of each person among `customerIds` at `memberCode`, computed from
 * that member's records and transactions **only** — the same rules as the pool's
 * segments, but never another member's record: giving a member a value shaped by another
 * member's data would disclose that data to it (DESIGN.md rule 1). The per-sector RFM
 * and appetence come from `sectorProfileSql` with the member as the sector's only
 * member. Records not resolved to a person yet have no profile. For an access answer.
 *
 * @example
 * const profiles = await readMemberPersonProfiles(warehouse, { memberCode: 'M01', sector: 'equipement_maison', customerIds: ['C42'], today: '2026-12-10' });
 */
export async function readMemberPersonProfiles(
  warehouse: TWarehouse,
  options: {
    memberCode: string;
    /** The member's sector; null: no sector profile. */
    sector: string | null;
    customerIds: readonly string[];
    /** ISO date of the platform clock. */
    today: string;
  },
): Promise<TMemberPersonProfile[]> {
  if (options.customerIds.length === 0) return [];
  const today = sqlDate(options.today);
  const sectorProfile = sectorProfileSql({
    sectorMembers: 'list_value($1::VARCHAR)',
    today,
    precomputed: false,
  });
  const connection = await warehouse.connect();
  try {
    // 1. The member's records of these customers (resolved ones), with their activity;
    // `sel_records` is the relation sectorProfileSql reads the purchases through.
    // 2. Per person, the reach per channel (the pool's facts of one member), the most
    // frequent civility and birth date, and the sector profile — all of these records only.
    const reader = await connection.runAndReadAll(
      `WITH mp_records AS (
        SELECT * FROM ${ALL_RECORDS_WITH_ACTIVITY} r
        WHERE r.member_code = $1 AND r.customer_id IN (SELECT unnest($2::VARCHAR[]))
      ), sel_records AS (SELECT person_id, member_code, customer_id FROM mp_records),
      mp_reach AS (
        SELECT * FROM (${personMemberReachSql('mp_records')}) AS t(person_id, member_code,
          last_activity, last_postal, last_email, last_sms, last_phone, birth_date,
          last_purchase, member_count, birth_dates_agree)
      ),
      mp_civility AS (${mostFrequentValueSql('civility', 'mp_records')}),
      mp_birth_date AS (${mostFrequentValueSql('birth_date', 'mp_records')}),
      mp_sector AS (${sectorProfile})
      SELECT (SELECT list(customer_id ORDER BY customer_id) FROM mp_records m
          WHERE m.person_id = p.person_id) AS customer_ids,
        ${ageBandSql('b.birth_date', today)} AS age_band,
        coalesce(c.civility, 'unknown') AS civility,
        p.last_postal IS NOT NULL AS reach_postal, p.last_email IS NOT NULL AS reach_email,
        p.last_sms IS NOT NULL AS reach_sms, p.last_phone IS NOT NULL AS reach_phone,
        s.rfm_segment, s.recency_score, s.frequency_score, s.monetary_score, s.appetence_score
      FROM mp_reach p
      LEFT JOIN mp_civility c ON c.person_id = p.person_id
      LEFT JOIN mp_birth_date b ON b.person_id = p.person_id
      LEFT JOIN mp_sector s ON s.person_id = p.person_id
      ORDER BY customer_ids`,
      [options.memberCode, listValue([...options.customerIds])],
      [VARCHAR, LIST(VARCHAR)],
    );
    return reader.getRowObjectsJS().map((row) => ({
      customerIds: row.customer_ids as string[],
      ageBand: row.age_band as string,
      civility: row.civility as string,
      reach: {
        postal: row.reach_postal as boolean,
        email: row.reach_email as boolean,
        sms: row.reach_sms as boolean,
        phone: row.reach_phone as boolean,
      },
      sectorProfile:
        options.sector === null
          ? null
          : {
              sector: options.sector,
              rfmSegment: row.rfm_segment as string,
              recencyScore: row.recency_score as number,
              frequencyScore: row.frequency_score as number,
              monetaryScore: row.monetary_score as number,
              appetenceScore: row.appetence_score as number,
            },
    }));
  } finally {
    connection.closeSync();
  }
}
