export type { IntakeDeps } from './process-file-drop.ts';
export { processFileDrop } from './process-file-drop.ts';
export type { TScheduledPulls } from './pull-due-sources.ts';
export { pullDueSources } from './pull-due-sources.ts';
export type { PullDeps, TEnqueueDrop } from './pull-member-files.ts';
export { pullMemberFiles } from './pull-member-files.ts';
export { sshKeyFingerprint } from './ssh-key-fingerprint.ts';
export { writeDropReport } from './write-drop-report.ts';
