import { z } from 'zod';

/**
 * A signed statement "the audit chain's event `seq` had hash `hash`" (seq 0 with
 * the genesis hash for an empty chain). Kept outside the database, it lets
 * `verifyAuditChain` notice the newest rows being deleted, which the chain alone
 * cannot.
 */
export const ZCheckpoint = z.strictObject({
  seq: z.number().int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256'),
  createdAt: z.iso.datetime(),
  /** Upper-case fingerprint of the platform key that signed it (v4: 40 hex, v6: 64). */
  platformFingerprint: z
    .string()
    .regex(/^[0-9A-F]{40}(?:[0-9A-F]{24})?$/, 'upper-case hex fingerprint'),
});
export type TCheckpoint = z.infer<typeof ZCheckpoint>;
