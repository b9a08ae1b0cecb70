import { z } from 'zod';
import { isMemberSector, ZSector } from './sector.ts';

/** Organisation code as used in SFTP roots and URLs, e.g. `M01`, `C12`. */
export const ZOrgCode = z
  .string()
  .regex(
    /^[A-Z][A-Z0-9_]{1,15}$/,
    'must be 2-16 upper-case letters, digits or _, starting with a letter',
  );
export type TOrgCode = z.infer<typeof ZOrgCode>;

export const ZOrgKind = z.enum(['member', 'client', 'both']);
export type TOrgKind = z.infer<typeof ZOrgKind>;

export const ZOrgStatus = z.enum(['active', 'suspended', 'offboarded']);
export type TOrgStatus = z.infer<typeof ZOrgStatus>;

const ZIsoDate = z.iso.date();

/** Input to register an organisation. */
export const ZOrganisationInput = z
  .object({
    code: ZOrgCode,
    name: z.string().trim().min(1).max(200),
    kind: ZOrgKind,
    sector: ZSector,
    status: ZOrgStatus.default('active'),
    contractStart: ZIsoDate.nullable().default(null),
    contractEnd: ZIsoDate.nullable().default(null),
  })
  .strict()
  .superRefine((org, ctx) => {
    if (org.kind !== 'client' && !isMemberSector(org.sector)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sector'],
        message: `sector ${org.sector} is for clients only; a member needs a member sector`,
      });
    }
    if (org.contractStart && org.contractEnd && org.contractEnd < org.contractStart) {
      ctx.addIssue({
        code: 'custom',
        path: ['contractEnd'],
        message: 'must not be before contractStart',
      });
    }
  });
export type TOrganisationInput = z.input<typeof ZOrganisationInput>;
export type TOrganisationFields = z.output<typeof ZOrganisationInput>;

/** Fields an operator may change on an existing organisation. */
export const ZOrganisationPatch = z
  .object({
    name: z.string().trim().min(1).max(200),
    status: ZOrgStatus,
    contractStart: ZIsoDate.nullable(),
    contractEnd: ZIsoDate.nullable(),
  })
  .partial()
  .strict();
export type TOrganisationPatch = z.infer<typeof ZOrganisationPatch>;

/** True when the organisation supplies data (member or both). */
export function isMember(kind: TOrgKind): boolean {
  return kind === 'member' || kind === 'both';
}

/** True when the organisation may receive selections (client or both). */
export function isClient(kind: TOrgKind): boolean {
  return kind === 'client' || kind === 'both';
}
