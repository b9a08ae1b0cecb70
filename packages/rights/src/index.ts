export { answerRightsRequest } from './answer-rights-request.ts';
export { applyRightsOpposition } from './apply-rights-opposition.ts';
export { closeRightsRequest } from './close-rights-request.ts';
export { confirmRightsErasure, eraseConfirmedItem } from './confirm-rights-erasure.ts';
export { createRightsRequest, forwardPendingItems } from './create-rights-request.ts';
export { extendRightsRequest } from './extend-rights-request.ts';
export { forwardRightsRequestItem } from './forward-rights-request-item.ts';
export { getRightsRequest } from './get-rights-request.ts';
export { hashRepoussoirValue } from './hash-repoussoir-value.ts';
export { hashRepoussoirValues } from './hash-repoussoir-values.ts';
export { hashRightsIdentity } from './hash-rights-identity.ts';
export type { TMemberRightsRequest } from './list-member-rights-requests.ts';
export { listMemberRightsRequests } from './list-member-rights-requests.ts';
export { listRightsRequests } from './list-rights-requests.ts';
export {
  readMemberRightsRequests,
  readRightsRequest,
  readRightsRequests,
} from './read-rights-requests.ts';
export { retryRightsRequest } from './retry-rights-request.ts';
export type { TRightsDeps } from './rights-deps.ts';
export type { TRightsRequest, TRightsRequestItem } from './rights-request.ts';
export { toRightsRequest, toRightsRequestItem } from './rights-request.ts';
export { writeMemberReportFile } from './write-member-report-file.ts';
