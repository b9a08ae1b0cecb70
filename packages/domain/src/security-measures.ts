/** Whether a security measure is in force in the running platform. */
export type TMeasureState = 'in_force' | 'not_in_force' | 'unknown';

/** One security measure (Art. 30(2)(d), Art. 32) as the register states it. */
export interface TSecurityMeasure {
  /** Stable key, e.g. `encryption_at_rest`. */
  key: string;
  /** Heading, in English with the French heading of the CNIL registers in parentheses. */
  label: string;
  state: TMeasureState;
  /** What exactly is in force, read from the running configuration. */
  detail: string;
}

/** The running facts the security measures are read from; never typed by hand. */
export interface TSecurityFacts {
  /** PostgreSQL URL of the control plane, null for the embedded PGlite. */
  databaseUrl: string | null;
  /** Redis URL of the queue, null for the in-process queue. */
  redisUrl: string | null;
  /** The pool as this process opened it, or null when it is not open here. */
  pool: { encryptionAtRest: boolean; encryptionNote: string | null } | null;
  /** Counts below it are never shown exactly. */
  countThreshold: number;
  /** Seed records added to each delivery. */
  seedCount: number;
  /** Days a delivery stays in the client's out/ before it is deleted. */
  deliveryExpiryDays: number;
  /** Days a processed drop's encrypted file stays in the drop store before it is deleted. */
  dropFileRetentionDays: number;
  /** Days a personal-data export stays in a member's reports/ before it is deleted. */
  memberExportRetentionDays: number;
}

/**
 * The security measures in force, derived from the running configuration and the
 * pool this process opened: what the register states is what the code enforces.
 *
 * @example
 * const measures = describeSecurityMeasures({ databaseUrl: null, redisUrl: null,
 *   pool: null, countThreshold: 20, seedCount: 3, deliveryExpiryDays: 30, dropFileRetentionDays: 7,
 *   memberExportRetentionDays: 30 });
 */
export function describeSecurityMeasures(facts: TSecurityFacts): TSecurityMeasure[] {
  return [
    {
      key: 'key_only_sftp',
      label: "User access control (Contrôle d'accès des utilisateurs): SFTP",
      // The SFTP server offers and accepts the publickey method only (services/sftp).
      state: 'in_force',
      detail:
        'SFTP accepts SSH public-key authentication only; password and keyboard-interactive attempts are refused and counted towards a ban',
    },
    {
      key: 'api_access_control',
      label: "User access control (Contrôle d'accès des utilisateurs): HTTP API",
      state: 'in_force',
      detail:
        'bearer tokens stored as hashes; role and organisation checked on every route; a member never reads another member; orders approved by a second operator (four eyes)',
    },
    {
      key: 'pgp_in_transit',
      label: 'Encryption in transit (Chiffrement des données): PGP',
      // Intake refuses unencrypted or unsigned files; deliveries are always encrypted.
      state: 'in_force',
      detail:
        'files in: PGP-encrypted to the platform key and signed by the member, unsigned or clear files refused; deliveries out: PGP-encrypted to the client key and signed by the platform',
    },
    encryptionAtRest(facts.pool),
    {
      key: 'audit_chain',
      label: 'Traceability (Mesures de traçabilité)',
      state: 'in_force',
      detail:
        'append-only audit log, SHA-256 hash-chained, database triggers refuse changes, head checkpoints signed with the platform PGP key and verifiable offline',
    },
    {
      key: 'disclosure_control',
      label: 'Data minimisation (Minimisation): counts',
      state: 'in_force',
      detail: `audience counts below ${facts.countThreshold} are shown as "<${facts.countThreshold}", never exactly; every audience count value is perturbed by ±2 at most (cell-key method, keyed by the platform secret) before the threshold and the rounding`,
    },
    {
      key: 'received_files',
      label: 'Storage limitation (Limitation de la conservation): received files',
      // purgeDropFiles, run by the daily housekeeping, the offboarding and the erasure.
      state: 'in_force',
      detail: `members' encrypted files deleted ${facts.dropFileRetentionDays === 0 ? 'at the first daily housekeeping after processing' : `${facts.dropFileRetentionDays} days after processing`}, and at once on an erasure or an offboarding of the member; clear text never written to disk`,
    },
    {
      key: 'member_exports',
      label: 'Storage limitation (Limitation de la conservation): exports to members',
      // purgeMemberExports, run by the daily housekeeping.
      state: 'in_force',
      detail: `rights request notices and data exports and offboarding exports written to a member's SFTP reports/ deleted ${facts.memberExportRetentionDays === 0 ? 'at the first daily housekeeping' : `${facts.memberExportRetentionDays} days after they were written`}`,
    },
    {
      key: 'erasure_enforcement',
      label: "Data subjects' rights (Droits des personnes): erasures",
      // Suppressions: intake drops re-sent customers; purgeSuppressedCustomers in every build.
      state: 'in_force',
      detail:
        'an erased customer is kept as a keyed hash only (suppression): a member file re-sending it has its rows dropped, and every pool build deletes whatever the pool holds of it again (a pool restored from an older backup); the pool file is rewritten so the values leave its bytes',
    },
    {
      key: 'seed_records',
      label: 'Misuse detection (Détection des usages abusifs): seed records',
      state: 'in_force',
      detail: `${facts.seedCount} seed records ("adresses témoins") unique to each delivery; delivery files deleted from the client outbox after ${facts.deliveryExpiryDays} days`,
    },
    {
      key: 'control_plane',
      label: 'Control data storage (Stockage des données de contrôle)',
      state: 'in_force',
      detail: facts.databaseUrl
        ? 'PostgreSQL server (DATABASE_URL)'
        : 'embedded PGlite database in the data directory',
    },
    {
      key: 'queue',
      label: 'Job queue (File de traitements)',
      state: 'in_force',
      detail: facts.redisUrl
        ? 'BullMQ on Redis (REDIS_URL); job payloads carry identifiers only'
        : 'in-process queue; job payloads carry identifiers only',
    },
  ];
}

function encryptionAtRest(pool: TSecurityFacts['pool']): TSecurityMeasure {
  const label = 'Encryption at rest (Chiffrement des données): pool';
  if (pool === null) {
    return {
      key: 'encryption_at_rest',
      label,
      state: 'unknown',
      detail: 'unknown: the pool is not open in this process',
    };
  }
  if (pool.encryptionAtRest) {
    return {
      key: 'encryption_at_rest',
      label,
      state: 'in_force',
      detail: 'the pool database file is encrypted (DuckDB AES-GCM)',
    };
  }
  return {
    key: 'encryption_at_rest',
    label,
    state: 'not_in_force',
    detail: `the pool database file is NOT encrypted${pool.encryptionNote ? `: ${pool.encryptionNote}` : ''}`,
  };
}
