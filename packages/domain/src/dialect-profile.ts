import { z } from 'zod';
import { CUSTOMER_COLUMNS, TRANSACTION_COLUMNS } from './member-file.ts';

const ZHeaderMapping = <C extends readonly [string, ...string[]]>(columns: C) =>
  z
    .record(z.string().trim().min(1).max(100), z.enum(columns))
    .default({})
    .refine((mapping) => new Set(Object.values(mapping)).size === Object.values(mapping).length, {
      message: 'two headers map to the same canonical column',
    });

/**
 * How a member's exports look (encoding, separators, date format, header names),
 * applied at intake. Headers not in `headers` must already be canonical names.
 *
 * @example
 * ZDialectProfile.parse({ encoding: 'windows-1252', delimiter: ';', dateFormat: 'DD/MM/YYYY',
 *   decimalSeparator: ',', headers: { customers: { NOM: 'last_name', PRENOM: 'first_name' } } });
 */
export const ZDialectProfile = z
  .object({
    encoding: z.enum(['utf-8', 'windows-1252']).default('utf-8'),
    delimiter: z.enum([',', ';', '\t', '|']).default(','),
    quote: z.enum(['"', "'"]).default('"'),
    dateFormat: z.enum(['YYYY-MM-DD', 'DD/MM/YYYY']).default('YYYY-MM-DD'),
    decimalSeparator: z.enum(['.', ',']).default('.'),
    headers: z
      .object({
        customers: ZHeaderMapping(CUSTOMER_COLUMNS as unknown as readonly [string, ...string[]]),
        transactions: ZHeaderMapping(
          TRANSACTION_COLUMNS as unknown as readonly [string, ...string[]],
        ),
      })
      .strict()
      .default({ customers: {}, transactions: {} }),
  })
  .strict()
  .superRefine((profile, ctx) => {
    if (profile.delimiter === profile.decimalSeparator) {
      ctx.addIssue({
        code: 'custom',
        path: ['decimalSeparator'],
        message: 'must differ from the delimiter',
      });
    }
  });
export type TDialectProfileInput = z.input<typeof ZDialectProfile>;
export type TDialectProfile = z.output<typeof ZDialectProfile>;

/** The profile of a member that has not set one: canonical UTF-8 CSV. */
export const DEFAULT_DIALECT_PROFILE: TDialectProfile = ZDialectProfile.parse({});
