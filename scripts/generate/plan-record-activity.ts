import { dayFromParts } from './calendar-day.ts';
import type { TRandom } from './create-random.ts';

/** When a member record was created and when its transactions happened. */
export interface TRecordActivity {
  createdDay: number;
  /** Ascending; the last one is the record's last activity. Empty for a prospect. */
  transactionDays: number[];
}

export interface TPlanRecordActivityOptions {
  random: TRandom;
  asOfDay: number;
  /** asOf minus the retention (36 months): activity before it is expired. */
  retentionCutoffDay: number;
  expired: boolean;
}

const FIRST_CREATED_DAY = dayFromParts(2008, 1, 1);
/** Days kept between any last activity and the retention cutoff, so truth is unambiguous. */
const CUTOFF_MARGIN_DAYS = 31;
const PROSPECT_SHARE = 0.1;
const MAX_TRANSACTIONS = 20;

/**
 * Plans a record's dates: an expired record's last activity (last transaction, or
 * creation for a prospect) falls 1–30 months before the retention cutoff; a live
 * one's falls after it (skewed to recent days). 10% are prospects without
 * transactions; the others have 1–20 transactions (mean ≈ 3.6).
 *
 * @example
 * planRecordActivity({ random, asOfDay, retentionCutoffDay, expired: false }).transactionDays
 */
export function planRecordActivity(options: TPlanRecordActivityOptions): TRecordActivity {
  const { random, asOfDay, retentionCutoffDay } = options;
  const lastActivity = options.expired
    ? retentionCutoffDay - random.int(CUTOFF_MARGIN_DAYS, 900)
    : asOfDay -
      Math.floor((asOfDay - retentionCutoffDay - CUTOFF_MARGIN_DAYS) * random.next() ** 1.6);
  if (random.chance(PROSPECT_SHARE)) return { createdDay: lastActivity, transactionDays: [] };
  const count = Math.min(
    MAX_TRANSACTIONS,
    1 + Math.floor(Math.log(1 - random.next()) / Math.log(1 - 0.28)),
  );
  const history = Math.min(lastActivity - FIRST_CREATED_DAY, 3650);
  const createdDay = lastActivity - Math.floor(history * random.next() ** 0.8);
  const transactionDays = [lastActivity];
  for (let index = 1; index < count; index += 1)
    transactionDays.push(random.int(createdDay, lastActivity));
  transactionDays.sort((left, right) => left - right);
  return { createdDay, transactionDays };
}
