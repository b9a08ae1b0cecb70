import type { TExecutor } from './control-context.ts';

export type TKeyType = 'ssh' | 'pgp';

/** A registered public key of an organisation (SSH for SFTP login, PGP for files). */
export interface TOrganisationKey {
  id: string;
  organisationCode: string;
  keyType: TKeyType;
  /** `SHA256:…` for SSH, the hex v4 fingerprint for PGP. */
  fingerprint: string;
  algorithm: string;
  bits: number | null;
  /** Normalised public key text (one OpenSSH line, or an armoured PGP block). */
  publicKey: string;
  expiresAt: Date | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/**
 * Whether a key may be used at `at`: not revoked, and not expired.
 *
 * @example
 * const usable = keys.filter((key) => isKeyUsable(key, now));
 */
export function isKeyUsable(
  key: Pick<TOrganisationKey, 'revokedAt' | 'expiresAt'>,
  at: Date,
): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt > at);
}

/**
 * A query for organisation keys with their organisation code; callers add
 * `where` and ordering. Rows go through `toOrganisationKey`.
 *
 * @example
 * const rows = await selectOrganisationKeys(ctx.db).where('organisations.code', '=', 'M01').execute();
 */
export function selectOrganisationKeys(executor: TExecutor) {
  return executor
    .selectFrom('organisation_keys')
    .innerJoin('organisations', 'organisations.id', 'organisation_keys.organisation_id')
    .select([
      'organisation_keys.id',
      'organisations.code as organisation_code',
      'organisation_keys.key_type',
      'organisation_keys.fingerprint',
      'organisation_keys.algorithm',
      'organisation_keys.bits',
      'organisation_keys.public_key',
      'organisation_keys.expires_at',
      'organisation_keys.created_at',
      'organisation_keys.revoked_at',
    ]);
}

export interface TOrganisationKeyRow {
  id: string;
  organisation_code: string;
  key_type: TKeyType;
  fingerprint: string;
  algorithm: string;
  bits: number | null;
  public_key: string;
  expires_at: Date | null;
  created_at: Date;
  revoked_at: Date | null;
}

/** Maps a row of `selectOrganisationKeys` to its public shape. */
export function toOrganisationKey(row: TOrganisationKeyRow): TOrganisationKey {
  return {
    id: row.id,
    organisationCode: row.organisation_code,
    keyType: row.key_type,
    fingerprint: row.fingerprint,
    algorithm: row.algorithm,
    bits: row.bits,
    publicKey: row.public_key,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
