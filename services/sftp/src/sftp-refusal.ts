import ssh2 from 'ssh2';

/** SFTP v3 status codes (ssh2's table, re-exported as plain numbers). */
export const SFTP_STATUS = {
  OK: ssh2.utils.sftp.STATUS_CODE.OK as number,
  EOF: ssh2.utils.sftp.STATUS_CODE.EOF as number,
  NO_SUCH_FILE: ssh2.utils.sftp.STATUS_CODE.NO_SUCH_FILE as number,
  PERMISSION_DENIED: ssh2.utils.sftp.STATUS_CODE.PERMISSION_DENIED as number,
  FAILURE: ssh2.utils.sftp.STATUS_CODE.FAILURE as number,
  OP_UNSUPPORTED: ssh2.utils.sftp.STATUS_CODE.OP_UNSUPPORTED as number,
};

/**
 * A refused SFTP request: the status and short message the client gets (never a
 * path, never another organisation's name), and whether it is a policy denial
 * that goes to the audit sink as `sftp.denied` with `reason` and `details`.
 */
export interface SftpRefusal {
  status: number;
  message: string;
  reason: string;
  audit: boolean;
  details?: Record<string, unknown>;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  [SFTP_STATUS.NO_SUCH_FILE]: 'No such file',
  [SFTP_STATUS.PERMISSION_DENIED]: 'Permission denied',
  [SFTP_STATUS.FAILURE]: 'Failure',
  [SFTP_STATUS.OP_UNSUPPORTED]: 'Operation unsupported',
};

/** Builds a refusal; `audit` defaults to true because most refusals are policy. */
export function refuse(
  status: number,
  reason: string,
  options: { message?: string; audit?: boolean; details?: Record<string, unknown> } = {},
): SftpRefusal {
  return {
    status,
    reason,
    message: options.message ?? DEFAULT_MESSAGES[status] ?? 'Failure',
    audit: options.audit ?? true,
    ...(options.details ? { details: options.details } : {}),
  };
}

/** True when `value` is a refusal rather than a result. */
export function isRefusal(value: unknown): value is SftpRefusal {
  return typeof value === 'object' && value !== null && 'status' in value && 'reason' in value;
}
