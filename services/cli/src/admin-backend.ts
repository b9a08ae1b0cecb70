import type {
  TAddedRepoussoirEntry,
  TAlert,
  TApiToken,
  TAuditEvent,
  TAuditExportFormat,
  TChainVerification,
  TCheckpoint,
  TDelivery,
  TFileDrop,
  TInstruction,
  TOrganisation,
  TOrganisationKey,
  TPrincipal,
  TPullSource,
  TPushTarget,
  TRepoussoirEntry,
  TRepoussoirImportResult,
  TRepoussoirProvenanceWithdrawalResult,
  TRepoussoirStats,
  TSelection,
} from '@alliage/control';
import type {
  TChannel,
  TDialectProfile,
  TInstructionBodyInput,
  TOrganisationInput,
  TProcessorRegister,
  TPullResult,
  TPullSourceInput,
  TPushTargetInput,
  TRepoussoirAddRequest,
  TRepoussoirImportRequest,
  TRepoussoirProvenanceWithdrawal,
  TRepoussoirValue,
  TRightsRequestClosure,
  TRightsRequestExtension,
  TRightsRequestInput,
  TRole,
} from '@alliage/domain';
import type { TRightsRequest } from '@alliage/rights';
import type { TPoolStats, TReferenceTableImport, TSegmentListing } from '@alliage/warehouse';

/** JSON form of a value as it crosses HTTP: dates become ISO strings. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends Array<infer Item>
    ? Jsonified<Item>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

type Result<T> = Promise<T | Jsonified<T>>;

/** The filters of `alliage audit export`, as typed (validated by the platform). */
export interface TAuditExportCliFilter {
  action?: string;
  organisation?: string;
  actor?: string;
  objectType?: string;
  objectId?: string;
  instructionVersion?: string;
  from?: string;
  to?: string;
}

/** A pull source as commands show it (the internal organisation id left out). */
export type TPullSourceView = Omit<TPullSource, 'organisationId'>;

/** A push target as commands show it (the internal organisation id left out). */
export type TPushTargetView = Omit<TPushTarget, 'organisationId'>;

/**
 * A pull's counts, and where the fetched drops' intake runs: `queued` for the
 * running platform's (or the Redis) workers, `processed` here before returning.
 */
export type TPullOutcome = TPullResult & { intake: 'queued' | 'processed' };

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
  /** The audit events matching `filter` as export text, streamed (audited as `audit.read` via export). */
  exportAudit(input: {
    format: TAuditExportFormat;
    filter: TAuditExportCliFilter;
  }): Promise<AsyncIterable<string>>;
  setDialect(memberCode: string, profile: unknown): Result<TDialectProfile>;
  getDialect(memberCode: string): Result<TDialectProfile>;
  setPullSource(memberCode: string, input: TPullSourceInput): Result<TPullSourceView>;
  getPullSource(memberCode: string): Result<TPullSourceView>;
  pullMember(memberCode: string): Promise<TPullOutcome>;
  /** Adds one contact point to the repoussoir; normalised and hashed by the platform. */
  addRepoussoirEntry(input: TRepoussoirAddRequest): Result<TAddedRepoussoirEntry>;
  /**
   * Imports a list read batch by batch, with one scope and provenance. Directly: any
   * size, as ONE change (one version, one `repoussoir.changed`), nothing in force on any
   * failure (`importRepoussoirBatches`). Over HTTP: one change per batch of
   * `REPOUSSOIR_IMPORT_MAX_ENTRIES` (a request each); an error stops it, saying how many
   * went in, and the same import run again adds the rest.
   */
  importRepoussoirList(
    request: Omit<TRepoussoirImportRequest, 'entries'>,
    batches: AsyncIterable<readonly TRepoussoirValue[]>,
  ): Result<TRepoussoirImportResult>;
  /** Withdraws a repoussoir entry by a recorded decision. */
  withdrawRepoussoirEntry(entryId: string, reason: string): Result<TRepoussoirEntry>;
  /** Withdraws every entry in force from one source and reference (e.g. a superseded list version). */
  withdrawRepoussoirProvenance(
    input: TRepoussoirProvenanceWithdrawal,
  ): Result<TRepoussoirProvenanceWithdrawalResult>;
  repoussoirStats(): Result<TRepoussoirStats>;
  /** Records a data subject's request: matched in the pool and forwarded to the members holding records. */
  createRightsRequest(input: TRightsRequestInput): Result<TRightsRequest>;
  listRightsRequests(overdue: boolean): Result<TRightsRequest[]>;
  getRightsRequest(requestId: string): Result<TRightsRequest>;
  extendRightsRequest(requestId: string, input: TRightsRequestExtension): Result<TRightsRequest>;
  closeRightsRequest(requestId: string, input: TRightsRequestClosure): Result<TRightsRequest>;
  /** Rebuilds the pool (purge, identities, households, segments, repoussoir marks). */
  buildPool(full: boolean): Promise<unknown>;
  poolStats(): Promise<TPoolStats>;
  poolSegments(): Promise<TSegmentListing[]>;
  /** member_code,customer_id,person_id,household_id as CSV (operator only, audited). */
  exportPoolIdentities(): Promise<string>;
  importReferenceTable(input: {
    name: string;
    keyColumn: string;
    fileName: string;
    csv: string;
  }): Promise<TReferenceTableImport>;
  listSelections(): Result<TSelection[]>;
  /** Approves or rejects an order (four eyes: not by its requester); an approval queues the delivery. */
  decideSelection(
    selectionId: string,
    decision: 'approve' | 'reject',
    reason: string,
  ): Result<TSelection>;
  listDeliveries(): Result<TDelivery[]>;
  setPushTarget(clientCode: string, input: TPushTargetInput): Result<TPushTargetView>;
  getPushTarget(clientCode: string): Result<TPushTargetView>;
  removePushTarget(clientCode: string): Promise<unknown>;
  /**
   * Pushes a written delivery to its client's own server again: queued for the
   * running platform's workers (http), or pushed here before returning (direct).
   */
  pushDelivery(deliveryId: string): Result<TDelivery>;
  recordSeedHit(input: {
    contact: { kind: 'email' | 'phone' | 'postal'; value: string };
    channel: TChannel;
    contactedAt: string;
  }): Result<unknown>;
  /**
   * Retries a file drop the platform gave up on (abandoned): queued at once through a
   * running serve, by the next `alliage serve` in direct mode. Audited.
   */
  retryFileDrop(fileDropId: string): Result<TFileDrop>;
  /** Alerts, newest first; with `open`, only those nobody acknowledged yet. */
  listAlerts(options?: { open?: boolean }): Result<TAlert[]>;
  /** Acknowledges an open alert, with a note of what was found or done. Audited. */
  acknowledgeAlert(alertId: string, note: string): Result<TAlert>;
  platformPgpKey(): Promise<{ fingerprint: string; armoredPublicKey: string }>;
  /** The processor register (Art. 30(2)): the object for `json`, the document for `markdown`/`csv`. Audited. */
  exportRegister(format: 'json' | 'markdown' | 'csv'): Promise<TProcessorRegister | string>;
  /** The SSH client public key members authorise on their servers for pull mode. */
  platformSshKey(): Promise<{ fingerprint: string; publicKey: string }>;
  close(): Promise<void>;
}
