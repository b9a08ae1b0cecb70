/** An organisation's own SFTP server as the API shows it (pull sources, push targets). */
export interface TSftpEndpoint {
  host: string;
  port: number;
  username: string;
  remoteDir: string;
  /** Pinned host key fingerprint (`SHA256:…`); any other key is refused. */
  hostKeySha256: string;
}

/** The columns `pull_sources` and `push_targets` share. */
export interface TSftpEndpointColumns {
  host: string;
  port: number;
  username: string;
  remote_dir: string;
  host_key_sha256: string;
}

/**
 * The endpoint's columns, to write a pull source or a push target.
 *
 * @example
 * await trx.insertInto('push_targets').values({ organisation_id, ...sftpEndpointColumns(fields), enabled, updated_at, updated_by });
 */
export function sftpEndpointColumns(endpoint: TSftpEndpoint): TSftpEndpointColumns {
  return {
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.username,
    remote_dir: endpoint.remoteDir,
    host_key_sha256: endpoint.hostKeySha256,
  };
}

/**
 * The endpoint read back from a pull source's or push target's row.
 *
 * @example
 * const { host, port } = toSftpEndpoint(row);
 */
export function toSftpEndpoint(row: TSftpEndpointColumns): TSftpEndpoint {
  return {
    host: row.host,
    port: row.port,
    username: row.username,
    remoteDir: row.remote_dir,
    hostKeySha256: row.host_key_sha256,
  };
}
