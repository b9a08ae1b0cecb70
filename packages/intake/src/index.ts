export { abandonFileDrop } from './abandon-file-drop.ts';
export type {
  ConnectPinnedSftpOptions,
  TPinnedSftpEndpoint,
  TPinnedSftpSession,
} from './connect-pinned-sftp.ts';
export { connectPinnedSftp, HostKeyMismatchError } from './connect-pinned-sftp.ts';
export type { TDownloadedFile, TDownloadOutcome } from './download-remote-file.ts';
export { downloadRemoteFile } from './download-remote-file.ts';
export { fileDropJobId } from './file-drop-job-id.ts';
export type { IntakeDeps } from './process-file-drop.ts';
export { processFileDrop } from './process-file-drop.ts';
export type { TScheduledPulls } from './pull-due-sources.ts';
export { pullDueSources } from './pull-due-sources.ts';
export type { PullDeps, TEnqueueDrop } from './pull-member-files.ts';
export { pullMemberFiles } from './pull-member-files.ts';
export { sshKeyFingerprint } from './ssh-key-fingerprint.ts';
export { writeDropReport } from './write-drop-report.ts';
