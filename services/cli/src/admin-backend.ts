import type {
  TApiToken,
  TAuditEvent,
  TChainVerification,
  TCheckpoint,
  TInstruction,
  TOrganisation,
  TOrganisationKey,
  TPrincipal,
} from '@alliage/control';
import type {
  TDialectProfile,
  TInstructionBodyInput,
  TOrganisationInput,
  TRole,
} from '@alliage/domain';

/** JSON form of a value as it crosses HTTP: dates become ISO strings. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends Array<infer Item>
    ? Jsonified<Item>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

type Result<T> = Promise<T | Jsonified<T>>;

/**
 * What the admin commands need, implemented directly on the data directory
 * (platform stopped) or through the HTTP API of a running `serve`.
 */
export interface AdminBackend {
  readonly mode: 'direct' | 'http';
  addOrganisation(input: TOrganisationInput): Result<TOrganisation>;
  listOrganisations(): Result<TOrganisation[]>;
  createToken(input: {
    organisationCode: string | null;
    role: TRole;
    name: string | null;
    expiresInDays: number | null;
  }): Result<{ principal: TPrincipal; token: string; apiToken: TApiToken }>;
  revokeToken(tokenId: string): Result<TApiToken>;
  listTokens(organisationCode: string | null): Result<TApiToken[]>;
  addKey(input: {
    organisationCode: string;
    keyType: 'ssh' | 'pgp';
    publicKey: string;
  }): Result<TOrganisationKey>;
  setInstruction(memberCode: string, body: TInstructionBodyInput): Result<TInstruction>;
  showInstructions(memberCode: string, history: boolean): Result<TInstruction[]>;
  verifyAudit(signedCheckpoint: string | null): Result<TChainVerification>;
  checkpointAudit(): Result<{ checkpoint: TCheckpoint; signedText: string }>;
  tailAudit(count: number): Result<TAuditEvent[]>;
  setDialect(memberCode: string, profile: unknown): Result<TDialectProfile>;
  getDialect(memberCode: string): Result<TDialectProfile>;
  platformPgpKey(): Promise<{ fingerprint: string; armoredPublicKey: string }>;
  close(): Promise<void>;
}
