import type { TWarehouse } from './open-warehouse.ts';

/** Counts describing the pool (never personal data). */
export interface TPoolStats {
  encryptionAtRest: boolean;
  records: number;
  recordsByMember: { memberCode: string; records: number; transactions: number }[];
  persons: number;
  households: number;
  /** Persons by how many members know them: 1, 2, 3, 4 or more. */
  personsByMemberCount: Record<string, number>;
  /** Share of records whose postcode and city matched a real commune. */
  communeMatchedShare: number;
  lastLoadedAt: string | null;
  drops: number;
  /** New records held out of the pool awaiting their transactions. */
  heldRecords: number;
}

/**
 * Reads the pool's headline counts (a reader connection: it never blocks the writer).
 *
 * @example
 * const stats = await getPoolStats(warehouse);
 */
export async function getPoolStats(warehouse: TWarehouse): Promise<TPoolStats> {
  const connection = await warehouse.connect();
  try {
    const byMember = (
      await connection.runAndReadAll(
        `SELECT m.member_code, count(r.record_id), coalesce(any_value(t.transactions), 0)
         FROM (SELECT member_code FROM member_records UNION SELECT member_code FROM transactions) m
         LEFT JOIN member_records r USING (member_code)
         LEFT JOIN (SELECT member_code, count(*) AS transactions FROM transactions GROUP BY member_code) t USING (member_code)
         GROUP BY m.member_code ORDER BY m.member_code`,
      )
    ).getRowsJS() as [string, bigint, bigint][];
    const [totals] = (
      await connection.runAndReadAll(
        `SELECT (SELECT count(*) FROM member_records), (SELECT count(*) FROM persons),
           (SELECT count(*) FROM households),
           (SELECT coalesce(avg((commune_status = 'matched')::INT), 0) FROM member_records),
           (SELECT CAST(max(loaded_at) AS VARCHAR) FROM loaded_drops), (SELECT count(*) FROM loaded_drops),
           (SELECT count(*) FROM held_records)`,
      )
    ).getRowsJS() as [bigint, bigint, bigint, number, string | null, bigint, bigint][];
    const spread = (
      await connection.runAndReadAll(
        `SELECT least(members, 4) AS bucket, count(*) FROM (
           SELECT person_id, count(DISTINCT member_code) AS members FROM member_records
           WHERE person_id IS NOT NULL GROUP BY person_id)
         GROUP BY bucket ORDER BY bucket`,
      )
    ).getRowsJS() as [bigint, bigint][];
    const personsByMemberCount: Record<string, number> = { '1': 0, '2': 0, '3': 0, '4+': 0 };
    for (const [bucket, count] of spread) {
      personsByMemberCount[Number(bucket) >= 4 ? '4+' : String(bucket)] = Number(count);
    }
    const [records, persons, households, matched, lastLoadedAt, drops, held] = totals ?? [
      0n,
      0n,
      0n,
      0,
      null,
      0n,
    ];
    return {
      encryptionAtRest: warehouse.encryptionAtRest,
      records: Number(records),
      recordsByMember: byMember.map(([memberCode, memberRecords, transactions]) => ({
        memberCode,
        records: Number(memberRecords),
        transactions: Number(transactions),
      })),
      persons: Number(persons),
      households: Number(households),
      personsByMemberCount,
      communeMatchedShare: Math.round(Number(matched) * 10_000) / 10_000,
      lastLoadedAt,
      drops: Number(drops),
      heldRecords: Number(held),
    };
  } finally {
    connection.closeSync();
  }
}
