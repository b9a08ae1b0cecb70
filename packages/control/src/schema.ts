import type { ColumnType, Generated } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A jsonb column: read parsed, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

export interface OrganisationsTable {
  id: Generated<string>;
  code: string;
  name: string;
  kind: 'member' | 'client' | 'both';
  sector: string;
  status: 'active' | 'suspended' | 'offboarded';
  /** ISO date `YYYY-MM-DD` (the driver is told to keep dates as text). */
  contract_start: string | null;
  contract_end: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Offboarded members: from when the pool must hold nothing of it (null before, and for others). */
  data_deletion_due_at: Timestamp | null;
}

export interface PrincipalsTable {
  id: Generated<string>;
  /** Null for processor staff (operator, compliance). */
  organisation_id: string | null;
  name: string;
  role: 'operator' | 'compliance' | 'member_admin' | 'member_user' | 'client_marketer';
  created_at: Timestamp;
  disabled_at: Timestamp | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  principal_id: string;
  name: string | null;
  /** Hex SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  /** First characters of the token, to recognise it in lists. */
  token_prefix: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface OrganisationKeysTable {
  id: Generated<string>;
  organisation_id: string;
  key_type: 'ssh' | 'pgp';
  fingerprint: string;
  algorithm: string;
  bits: number | null;
  public_key: string;
  expires_at: Timestamp | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface InstructionsTable {
  id: Generated<string>;
  organisation_id: string;
  version: number;
  body: Json<unknown>;
  signed_by: string;
  effective_from: string;
  created_at: Timestamp;
  created_by: string;
}

export interface AuditEventsTable {
  seq: number;
  occurred_at: Timestamp;
  actor: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  organisation_code: string | null;
  instruction_version: number | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface FileDropsTable {
  id: Generated<string>;
  organisation_id: string;
  file_name: string;
  source: 'sftp' | 'pull';
  size_bytes: number;
  sha256: string;
  storage_path: string;
  status: 'received' | 'processing' | 'accepted' | 'rejected' | 'duplicate' | 'abandoned';
  attempts: Generated<number>;
  file_kind: 'customers' | 'transactions' | 'optouts' | null;
  signer_fingerprint: string | null;
  row_count: number | null;
  rejected_row_count: number | null;
  rejection_reason: string | null;
  duplicate_of: string | null;
  report: Json<unknown> | null;
  received_at: Timestamp;
  finished_at: Timestamp | null;
  updated_at: Timestamp;
  /** The error code of the last failed attempt (never its message). */
  last_error_code: Generated<string | null>;
  /** When an operator last retried the drop after the platform gave up on it. */
  retried_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface MemberDialectsTable {
  organisation_id: string;
  profile: Json<unknown>;
  updated_at: Timestamp;
  updated_by: string;
}

export interface PullSourcesTable {
  organisation_id: string;
  host: string;
  port: number;
  username: string;
  remote_dir: string;
  /** Pinned host key fingerprint, `SHA256:…` as `ssh-keygen -lf` prints it. */
  host_key_sha256: string;
  /** Null: pulled on demand only. */
  interval_minutes: number | null;
  enabled: boolean;
  /** When a scheduled run last claimed the source. */
  last_run_at: Timestamp | null;
  updated_at: Timestamp;
  updated_by: string;
}

export interface PushTargetsTable {
  organisation_id: string;
  host: string;
  port: number;
  username: string;
  remote_dir: string;
  /** Pinned host key fingerprint, `SHA256:…` as `ssh-keygen -lf` prints it. */
  host_key_sha256: string;
  enabled: boolean;
  updated_at: Timestamp;
  updated_by: string;
}

export interface PulledFilesTable {
  organisation_id: string;
  remote_path: string;
  remote_size: number;
  remote_mtime: Timestamp;
  file_drop_id: string;
  pulled_at: Timestamp;
}

export interface RepoussoirEntriesTable {
  id: Generated<string>;
  kind: 'email' | 'phone' | 'postal';
  /** Hex HMAC-SHA-256 (platform secret) of the contact point's `repoussoirKey`; never the value. */
  hmac: string;
  scope: 'all' | 'postal' | 'email' | 'sms' | 'phone';
  source: 'subject_request' | 'member_optout' | 'national_list' | 'operator';
  source_reference: string | null;
  created_at: Timestamp;
  created_by: string;
  /** Set together with withdrawn_by and withdrawal_reason when a recorded decision withdraws it. */
  withdrawn_at: Timestamp | null;
  withdrawn_by: string | null;
  withdrawal_reason: string | null;
  /** The version of the change that last touched the entry (repoussoir_state). */
  change_version: ColumnType<string | number | bigint, number, number>;
}

/** The one row (id 1) whose version every repoussoir change takes the next of. */
export interface RepoussoirStateTable {
  id: number;
  epoch: Generated<string>;
  version: ColumnType<string | number | bigint, number, number>;
  /** The import in batches moving its rows into the entries, which other changes wait for. */
  applying_import_id: string | null;
  /** When that import last moved a chunk: one idle for long is abandoned. */
  applying_at: Timestamp | null;
}

/** An import of a list in batches, until its last step (see `importRepoussoirBatches`). */
export interface RepoussoirImportsTable {
  id: string;
  started_at: Timestamp;
  /** When the import last wrote a batch; an import idle for long is abandoned. */
  staged_at: Timestamp;
}

/** The entries an unfinished import has staged: hashes only, never a value. */
export interface RepoussoirImportStagingTable {
  /** Order of writing: the move takes the rows a chunk at a time in this order. */
  seq: Generated<number>;
  import_id: string;
  kind: 'email' | 'phone' | 'postal';
  hmac: string;
  scope: 'all' | 'postal' | 'email' | 'sms' | 'phone';
}

export interface SelectionsTable {
  id: Generated<string>;
  client_org_id: string;
  name: string;
  channel: 'postal' | 'email' | 'sms' | 'phone';
  purpose: 'targeting' | 'enrichment' | 'scoring' | 'study';
  /** ISO dates `YYYY-MM-DD`. */
  campaign_start: string;
  campaign_end: string;
  criteria: Json<unknown>;
  status: 'draft' | 'ordered' | 'approved' | 'rejected' | 'delivered' | 'failed';
  created_by_ref: string;
  created_by_principal: string | null;
  created_at: Timestamp;
  ordered_quantity: number | null;
  ordered_by_ref: string | null;
  ordered_at: Timestamp | null;
  decided_by_ref: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
  updated_at: Timestamp;
}

export interface SelectionCountsTable {
  id: Generated<string>;
  selection_id: string;
  client_org_id: string;
  counted_at: Timestamp;
  counted_by_ref: string;
  exact_total: number;
  /** The disclosed answer: `{ total, byChannel, byDepartement }`. */
  shown: Json<unknown>;
  blurred: boolean;
  /** The shown values by cell, exact and as shown (anti-differencing); null before 0012. */
  cells: Json<unknown> | null;
}

export interface DeliveriesTable {
  id: Generated<string>;
  selection_id: string;
  client_org_id: string;
  status: 'pending' | 'written' | 'failed' | 'expired';
  file_name: string | null;
  size_bytes: number | null;
  sha256: string | null;
  row_count: number | null;
  seed_count: number | null;
  recipient_key_fingerprint: string | null;
  signer_fingerprint: string | null;
  created_at: Timestamp;
  written_at: Timestamp | null;
  expires_at: Timestamp;
  expired_at: Timestamp | null;
  error_code: string | null;
  /** Safe text only: no personal data, no internals. */
  error_message: string | null;
  push_status: Generated<'not_configured' | 'pending' | 'pushed' | 'failed'>;
  pushed_at: Timestamp | null;
  push_error_code: string | null;
  /** Safe text only, like `error_message`. */
  push_error_message: string | null;
  /** Final path on the client's own server once pushed. */
  remote_path: string | null;
}

export interface DeliveryMemberUsageTable {
  delivery_id: string;
  member_org_id: string;
  person_count: number;
  /** The member's instruction version in force at delivery (null: written before it was kept). */
  instruction_version: number | null;
}

export interface DeliverySeedsTable {
  id: Generated<string>;
  delivery_id: string;
  row_id: string;
  civility: 'M' | 'MME';
  first_name: string;
  last_name: string;
  address_lines: Json<string[]>;
  postcode: string | null;
  email: string | null;
  /** E.164. */
  phone: string | null;
  created_at: Timestamp;
}

export interface SeedHitsTable {
  id: Generated<string>;
  seed_id: string;
  delivery_id: string;
  channel: 'postal' | 'email' | 'sms' | 'phone';
  contacted_at: Timestamp;
  reported_by_ref: string;
  in_window: boolean;
  channel_ordered: boolean;
  created_at: Timestamp;
  note: string | null;
}

export interface AlertsTable {
  id: Generated<string>;
  kind:
    | 'seed_hit_out_of_window'
    | 'seed_hit_wrong_channel'
    | 'access_denied_repeated'
    | 'audit_chain_failed'
    | 'sftp_host_key_mismatch'
    | 'pull_failed'
    | 'drop_stuck'
    | 'drop_abandoned';
  severity: 'warning' | 'critical';
  delivery_id: string | null;
  client_org_id: string | null;
  /** IDs and counts only. */
  details: Json<Record<string, unknown>>;
  created_at: Timestamp;
  acknowledged_at: Timestamp | null;
  acknowledged_by_ref: string | null;
}

export interface RightsRequestsTable {
  id: Generated<string>;
  type: 'access' | 'erasure' | 'opposition' | 'rectification' | 'portability';
  status: 'open' | 'forwarded' | 'closed';
  received_at: Timestamp;
  due_at: Timestamp;
  extension_months: Generated<number>;
  extended_until: Timestamp | null;
  extension_reason: string | null;
  verification: string;
  opposition_scope: 'all' | 'postal' | 'email' | 'sms' | 'phone' | null;
  /** Keyed hashes of the identity's normalised contact points, never the values. */
  identity_hashes: Json<{ kind: 'email' | 'phone' | 'postal'; hmac: string }[]>;
  duplicate_of: string | null;
  created_at: Timestamp;
  created_by_ref: string;
  closed_at: Timestamp | null;
  close_reason: string | null;
  updated_at: Timestamp;
}

export interface RightsRequestItemsTable {
  id: Generated<string>;
  request_id: string;
  member_org_id: string;
  /** The member's own customer IDs of the person. */
  customer_ids: Json<string[]>;
  status: 'pending' | 'forwarded' | 'answered' | 'erasure_confirmed' | 'failed';
  report_file: string | null;
  data_file: string | null;
  error_code: string | null;
  error_message: string | null;
  confirmed_at: Timestamp | null;
  confirmed_by_ref: string | null;
  /** The customer IDs whose erasure the member confirmed (null: all of `customer_ids`). */
  confirmed_customer_ids: ColumnType<string[] | null, string | null | undefined, string | null>;
  /** When the member says it answered the person (status `answered`). */
  answered_at: Timestamp | null;
  answered_by_ref: string | null;
  /** The member's short note with its answer: a reference, no personal data. */
  answer_note: string | null;
  /** What a confirmed erasure has done so far (counts, a hash): a retry redoes only the rest. */
  erasure_progress: ColumnType<TErasureProgress | null, string | null, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The steps of a confirmed erasure done so far, recorded as each one commits. */
export interface TErasureProgress {
  /** What the pool's deletion erased, once its transaction committed. */
  pool?: { records: number; heldRecords: number; transactions: number; personsGone: number };
  /** The pool file rewritten afterwards (SHA-256 of the new file). */
  poolSha256?: string;
}

export interface SuppressionsTable {
  id: Generated<string>;
  member_org_id: string;
  /** HMAC of `MEMBER|CUSTOMER_ID` (customerSuppressionKey). */
  customer_id_hmac: string;
  contact_kind: 'email' | 'phone' | 'postal' | null;
  contact_hmac: string | null;
  request_id: string | null;
  created_at: Timestamp;
}

/** The control-plane database as kysely sees it. */
/** The platform's one pool and the lease of the process running its jobs (one row). */
export interface PoolRegistrationTable {
  singleton: Generated<boolean>;
  pool_id: string;
  data_dir: string;
  registered_at: Timestamp;
  lease_owner: string | null;
  lease_host: string | null;
  lease_data_dir: string | null;
  lease_expires_at: Timestamp | null;
}

/** A check value of a platform secret (an HMAC of a constant), recorded at its first start. */
export interface PlatformSecretChecksTable {
  name: string;
  check_value: string;
  recorded_at: Timestamp;
}

export interface ControlSchema {
  organisations: OrganisationsTable;
  principals: PrincipalsTable;
  api_tokens: ApiTokensTable;
  organisation_keys: OrganisationKeysTable;
  instructions: InstructionsTable;
  audit_events: AuditEventsTable;
  file_drops: FileDropsTable;
  member_dialects: MemberDialectsTable;
  pull_sources: PullSourcesTable;
  pulled_files: PulledFilesTable;
  push_targets: PushTargetsTable;
  repoussoir_entries: RepoussoirEntriesTable;
  /** The entries of committed changes only (a view): what every reader reads. */
  repoussoir_committed_entries: RepoussoirEntriesTable;
  repoussoir_state: RepoussoirStateTable;
  repoussoir_imports: RepoussoirImportsTable;
  repoussoir_import_staging: RepoussoirImportStagingTable;
  selections: SelectionsTable;
  selection_counts: SelectionCountsTable;
  deliveries: DeliveriesTable;
  delivery_member_usage: DeliveryMemberUsageTable;
  delivery_seeds: DeliverySeedsTable;
  seed_hits: SeedHitsTable;
  alerts: AlertsTable;
  rights_requests: RightsRequestsTable;
  rights_request_items: RightsRequestItemsTable;
  suppressions: SuppressionsTable;
  pool_registration: PoolRegistrationTable;
  platform_secret_checks: PlatformSecretChecksTable;
}
