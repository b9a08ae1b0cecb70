export type { PlainSftpServer, PlainSftpServerOptions } from './start-plain-sftp-server.ts';
export { startPlainSftpServer } from './start-plain-sftp-server.ts';
