import { z } from 'zod';
import { ZSector } from './sector.ts';

export const ZPurpose = z.enum(['targeting', 'enrichment', 'scoring', 'study']);
export type TPurpose = z.infer<typeof ZPurpose>;

export const ZChannel = z.enum(['postal', 'email', 'sms', 'phone']);
export type TChannel = z.infer<typeof ZChannel>;

export const MAX_RETENTION_MONTHS = 36;

/**
 * A member's documented instruction (GDPR Art. 28(3)(a)), as the member writes it.
 * `clientSectorsAllow: null` means every sector not denied.
 *
 * @example
 * ZInstructionBody.parse({
 *   purposes: ['targeting'], channels: ['postal', 'email'], thirdPartyAllowed: true,
 *   clientSectorsAllow: null, clientSectorsDeny: ['equipement_personne'],
 *   retentionMonths: 36, signedBy: 'Jeanne Martin, DPO', effectiveFrom: '2026-12-01',
 * });
 */
export const ZInstructionBody = z
  .object({
    purposes: z.array(ZPurpose).min(1).refine(unique, 'must not repeat a purpose'),
    channels: z.array(ZChannel).min(1).refine(unique, 'must not repeat a channel'),
    thirdPartyAllowed: z.boolean(),
    clientSectorsAllow: z.array(ZSector).refine(unique, 'must not repeat a sector').nullable(),
    clientSectorsDeny: z.array(ZSector).refine(unique, 'must not repeat a sector').default([]),
    retentionMonths: z
      .number()
      .int()
      .min(1)
      .max(MAX_RETENTION_MONTHS)
      .default(MAX_RETENTION_MONTHS),
    signedBy: z.string().trim().min(1).max(200),
    effectiveFrom: z.iso.date(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const overlap = (body.clientSectorsAllow ?? []).filter((s) =>
      body.clientSectorsDeny.includes(s),
    );
    if (overlap.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['clientSectorsDeny'],
        message: `sectors both allowed and denied: ${overlap.join(', ')}`,
      });
    }
  });
export type TInstructionBodyInput = z.input<typeof ZInstructionBody>;
export type TInstructionBody = z.output<typeof ZInstructionBody>;

function unique(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}
