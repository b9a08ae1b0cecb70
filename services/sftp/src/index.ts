export { createSftpServer } from './create-sftp-server.ts';
export { isSafeUploadName } from './is-safe-upload-name.ts';
export type {
  ResolvedPath,
  StorageArea,
  VirtualAccount,
  VirtualPathRefusal,
} from './resolve-virtual-path.ts';
export { areasForKind, resolveVirtualPath } from './resolve-virtual-path.ts';
export type {
  SftpAccount,
  SftpBanPolicy,
  SftpEvent,
  SftpEventAction,
  SftpLogger,
  SftpServer,
  SftpServerOptions,
  SftpUpload,
} from './sftp-server-options.ts';
export { SSH_ALGORITHMS } from './ssh-algorithms.ts';
export type { ScheduleTimer } from './with-deadline.ts';
