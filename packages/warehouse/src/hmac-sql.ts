import { createHash } from 'node:crypto';
import { sqlString } from './sql-literal.ts';

/**
 * A SQL expression computing HMAC-SHA-256 (hex) of the VARCHAR expression
 * `valueSql` under `secret`, from DuckDB's sha256 (RFC 2104: H((K⊕opad) ‖
 * H((K⊕ipad) ‖ m))). Equal to `hmacSha256Hex(secret, value)` of
 * `@alliage/crypto` (tested), so the pool hashes contact points the way the
 * control plane hashes repoussoir entries, without clear values leaving DuckDB.
 * NULL in, NULL out.
 *
 * @example
 * `SELECT ${hmacSql(secret, 'email')} FROM member_records`
 */
export function hmacSql(secret: string, valueSql: string): string {
  let key = Buffer.from(secret, 'utf8');
  if (key.length > 64) key = createHash('sha256').update(key).digest();
  const block = Buffer.alloc(64);
  key.copy(block);
  const pad = (byte: number) => Buffer.from(block.map((value) => value ^ byte)).toString('hex');
  return `CASE WHEN (${valueSql}) IS NULL THEN NULL ELSE sha256(unhex(${sqlString(pad(0x5c))}) || unhex(sha256(unhex(${sqlString(pad(0x36))}) || encode(${valueSql})))) END`;
}

/**
 * A SQL expression computing the keyed hash of `customerSuppressionKey(member, customer
 * ID)` (`member|customerId`) from the expressions `memberSql` and `customerIdSql`: how a
 * suppression and a retention tombstone name a customer without its ID.
 *
 * @example
 * `SELECT ${customerKeyHmacSql(secret, "'M01'", 'customer_id')} FROM customer_records`
 */
export function customerKeyHmacSql(
  secret: string,
  memberSql: string,
  customerIdSql: string,
): string {
  return hmacSql(secret, `${memberSql} || '|' || ${customerIdSql}`);
}
