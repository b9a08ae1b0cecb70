import type { ControlContext } from './control-context.ts';

/**
 * The seed contact points of the channel kind already given to a delivery (emails lower
 * case; phones E.164): a new delivery's seeds are drawn outside them, since a seed
 * contact names one delivery only (the unique indexes of `delivery_seeds`) — with a
 * seed phone prefix leaving 4 digits, 10,000 numbers, two deliveries drew the same one
 * within a few dozen.
 *
 * @example
 * const taken = await listSeedContactsInUse(ctx, 'phone'); // Set { '+33639981234', … }
 */
export async function listSeedContactsInUse(
  ctx: ControlContext,
  kind: 'email' | 'phone',
): Promise<Set<string>> {
  const rows = await ctx.db
    .selectFrom('delivery_seeds')
    .select(kind)
    .where(kind, 'is not', null)
    .execute();
  return new Set(
    rows.map((row) => {
      const value = row[kind] as string;
      return kind === 'email' ? value.toLowerCase() : value;
    }),
  );
}
