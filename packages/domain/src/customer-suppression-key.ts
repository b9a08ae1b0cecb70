/**
 * What a suppression hashes (HMAC, platform secret) to name one member's customer:
 * `MEMBER|CUSTOMER_ID`. The pool computes the same string in SQL at intake
 * (`member_code || '|' || customer_id`), so an erased customer re-sent is dropped.
 *
 * @example
 * customerSuppressionKey('M01', 'C42') // 'M01|C42'
 */
export function customerSuppressionKey(memberCode: string, customerId: string): string {
  return `${memberCode}|${customerId}`;
}
