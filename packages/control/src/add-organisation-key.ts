import { inspectPgpPublicKey, inspectSshPublicKey } from '@alliage/crypto';
import { AppError, parseInput, ZOrgCode } from '@alliage/domain';
import { z } from 'zod';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import { type TKeyType, type TOrganisationKey, toOrganisationKey } from './organisation-key.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/** Far above any real public key (an RSA-4096 PGP key with many signatures is ~20 kB). */
const MAX_PUBLIC_KEY_LENGTH = 100_000;

/** Input to register a public key for an organisation. */
export const ZOrganisationKeyInput = z
  .object({
    organisationCode: ZOrgCode,
    keyType: z.enum(['ssh', 'pgp']),
    publicKey: z.string().min(1).max(MAX_PUBLIC_KEY_LENGTH),
  })
  .strict();
export type TOrganisationKeyInput = z.input<typeof ZOrganisationKeyInput>;

interface InspectedKey {
  fingerprint: string;
  algorithm: string;
  bits: number | null;
  expiresAt: Date | null;
  publicKey: string;
}

/**
 * Registers an SSH or PGP public key after inspecting it (weak, expired, private
 * or malformed keys are AppError validation_failed from @alliage/crypto) and records
 * `key.added`. A fingerprint already registered for the organisation, even
 * revoked, is AppError conflict.
 *
 * @example
 * await addOrganisationKey(ctx, actor, { organisationCode: 'M01', keyType: 'ssh', publicKey: 'ssh-ed25519 AAAA… m01' });
 */
export async function addOrganisationKey(
  ctx: ControlContext,
  actor: TActor,
  input: TOrganisationKeyInput,
): Promise<TOrganisationKey> {
  const fields = parseInput(ZOrganisationKeyInput, input);
  const inspected = await inspectKey(fields.keyType, fields.publicKey, ctx.clock());
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const organisation = await selectOrganisationRow(trx, fields.organisationCode);
      const row = await trx
        .insertInto('organisation_keys')
        .values({
          organisation_id: organisation.id,
          key_type: fields.keyType,
          fingerprint: inspected.fingerprint,
          algorithm: inspected.algorithm,
          bits: inspected.bits,
          public_key: inspected.publicKey,
          expires_at: inspected.expiresAt,
          created_at: ctx.clock(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAuditEvent(trx, ctx.clock, {
        action: 'key.added',
        actor,
        objectType: 'organisation_key',
        objectId: row.id,
        organisationCode: organisation.code,
        // The fingerprint identifies the key without carrying it.
        details: { keyType: row.key_type, fingerprint: row.fingerprint },
      });
      return toOrganisationKey({ ...row, organisation_code: organisation.code });
    });
  } catch (error) {
    if (isUniqueViolation(error, 'organisation_keys_organisation_id_key_type_fingerprint_key')) {
      throw new AppError(
        'conflict',
        `${fields.keyType} key ${inspected.fingerprint} is already registered for ${fields.organisationCode}`,
      );
    }
    throw error;
  }
}

async function inspectKey(keyType: TKeyType, text: string, now: Date): Promise<InspectedKey> {
  if (keyType === 'ssh') {
    const ssh = inspectSshPublicKey(text);
    return {
      fingerprint: ssh.fingerprint,
      algorithm: ssh.algorithm,
      bits: ssh.bits ?? null,
      expiresAt: null,
      publicKey: ssh.openssh,
    };
  }
  const pgp = await inspectPgpPublicKey(text, { now });
  return {
    fingerprint: pgp.fingerprint,
    algorithm: pgp.algorithm,
    bits: pgp.bits ?? null,
    expiresAt: pgp.expiresAt,
    publicKey: normaliseArmor(text),
  };
}

const ARMORED_PUBLIC_KEY =
  /-----BEGIN PGP PUBLIC KEY BLOCK-----\n[\s\S]*?\n-----END PGP PUBLIC KEY BLOCK-----/;

/**
 * The armoured block alone, with LF line endings: the same key stores the same
 * text whatever the sender's line endings or the text around the block.
 */
function normaliseArmor(text: string): string {
  const unix = text.replace(/\r\n?/g, '\n');
  return `${(ARMORED_PUBLIC_KEY.exec(unix)?.[0] ?? unix).trim()}\n`;
}
