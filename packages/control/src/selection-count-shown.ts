import type { TDisclosedCount } from '@alliage/domain';
import { z } from 'zod';

/** A disclosed count: a number, or `"<threshold"`. */
export const ZDisclosedCount = z.union([
  z.number().int().min(0),
  z.custom<`<${number}`>((value) => typeof value === 'string' && /^<\d{1,9}$/.test(value), {
    message: 'must be a count or "<threshold"',
  }),
]) satisfies z.ZodType<TDisclosedCount>;

/** What a client was shown for one count: the total, by channel and by département. */
export const ZSelectionCountShown = z
  .object({
    total: ZDisclosedCount,
    // Null when the breakdown is withheld (a blurred total must not be rebuilt from its parts).
    byChannel: z.record(z.string().max(20), ZDisclosedCount).nullable().default(null),
    byDepartement: z.record(z.string().max(20), ZDisclosedCount).nullable().default(null),
  })
  .strict();
export type TSelectionCountShownInput = z.input<typeof ZSelectionCountShown>;
export type TSelectionCountShown = z.output<typeof ZSelectionCountShown>;
