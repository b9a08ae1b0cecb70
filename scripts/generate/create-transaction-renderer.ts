import { createDayFormatter } from './calendar-day.ts';
import type { TRandom } from './create-random.ts';
import { createWeightedPicker } from './create-weighted-picker.ts';
import type { TMemberProfile } from './member-profiles.ts';

export interface TRenderTransactionInput {
  customerId: string;
  transactionId: string;
  day: number;
  /** Write a non-numeric amount so that intake rejects the row. */
  badAmount: boolean;
}

const NON_NUMERIC_AMOUNTS = ['N/A', 'abc', '??', 'gratuit', '12,5O', '-'];
const CENT_ENDINGS = [0, 0, 50, 90, 99, 95];

/**
 * Creates the transaction writer of one member: amounts 5–500 € around the
 * member's median basket (log-normal, prices ending in .00/.90/.99 half the
 * time) with its decimal separator, its sector's categories and its channels.
 *
 * @example
 * const render = createTransactionRenderer({ profile: memberProfile(2), random });
 * render({ customerId: 'C000001', transactionId: 'T00000001', day, badAmount: false }) // [..., '49,90', 'livres', 'vad']
 */
export function createTransactionRenderer(options: {
  profile: TMemberProfile;
  random: TRandom;
}): (input: TRenderTransactionInput) => string[] {
  const { profile, random } = options;
  const formatDay = createDayFormatter(profile.dialect.dateFormat ?? 'YYYY-MM-DD');
  const categories = createWeightedPicker(
    profile.categories.map(([name]) => name),
    profile.categories.map(([, weight]) => weight),
  );
  const channels = createWeightedPicker(
    profile.channels.map(([name]) => name),
    profile.channels.map(([, weight]) => weight),
  );
  const decimalSeparator = profile.dialect.decimalSeparator ?? '.';

  const amount = (): string => {
    // Box–Muller: one normal draw for a log-normal basket.
    const normal =
      Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    const euros = Math.min(500, Math.max(5, profile.medianAmount * Math.exp(0.75 * normal)));
    const cents = random.chance(0.5)
      ? Math.floor(euros) * 100 + random.pick(CENT_ENDINGS)
      : Math.round(euros * 100);
    const bounded = Math.min(50_000, Math.max(500, cents));
    const text = `${Math.floor(bounded / 100)}.${String(bounded % 100).padStart(2, '0')}`;
    return decimalSeparator === '.' ? text : text.replace('.', decimalSeparator);
  };

  return (input) => [
    input.customerId,
    input.transactionId,
    formatDay(input.day),
    input.badAmount ? random.pick(NON_NUMERIC_AMOUNTS) : amount(),
    categories.pick(random),
    channels.pick(random),
  ];
}
