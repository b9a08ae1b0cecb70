import path from 'node:path';

/**
 * The SFTP areas of the data directory: `<dataDir>/sftp/<ORG>/{in,reports,out}`.
 *
 * @example
 * sftpRootIn('/var/lib/alliage') // '/var/lib/alliage/sftp'
 */
export function sftpRootIn(dataDir: string): string {
  return path.join(dataDir, 'sftp');
}

/**
 * The drop store of the data directory, where intake keeps members' encrypted files
 * (`<dataDir>/drops/<ORG>/<drop id>`) and the purges look for them: one place, so the
 * purge of an erasure or an offboarding never searches a folder intake does not use.
 *
 * @example
 * dropStoreIn('/var/lib/alliage') // '/var/lib/alliage/drops'
 */
export function dropStoreIn(dataDir: string): string {
  return path.join(dataDir, 'drops');
}
