/** Caps on upload bytes held in memory (waiting for a gap, or queued for the disk). */
export interface UploadBufferLimits {
  /** How far past the bytes received in order one write may land. */
  maxAheadBytes: number;
  /** Bytes held for all uploads of one organisation, every session together. */
  perOrganisationBytes: number;
  /** Bytes held for all uploads of the process. */
  totalBytes: number;
}

/** What the budget holds now and the most it ever held (exposed for monitoring and tests). */
export interface UploadBufferStats {
  bytes: number;
  peakBytes: number;
  peakBytesByOrganisation: Record<string, number>;
}

/** One upload's view of the budget: reserve before holding bytes, release once they are on disk or dropped. */
export interface UploadBufferAllowance {
  tryReserve(bytes: number): boolean;
  release(bytes: number): void;
}

/** Shared accounting of buffered upload bytes, per organisation and for the process. */
export interface UploadBufferBudget {
  /** Takes `bytes` for the organisation; false (and nothing taken) when a cap would be passed. */
  tryReserve(organisationCode: string, bytes: number): boolean;
  release(organisationCode: string, bytes: number): void;
  allowanceFor(organisationCode: string): UploadBufferAllowance;
  stats(): UploadBufferStats;
}

/**
 * SSH flow control does not bound what a client makes us hold (ssh2 keeps opening
 * the channel window), and a client may send every chunk of a file but the first:
 * those bytes wait in memory. One budget per process, with a share per organisation,
 * turns "32 MiB per upload, times handles, times sessions" into a fixed ceiling.
 *
 * @example
 * const budget = createUploadBufferBudget({ maxAheadBytes: 8 << 20, perOrganisationBytes: 32 << 20, totalBytes: 128 << 20 });
 */
export function createUploadBufferBudget(limits: UploadBufferLimits): UploadBufferBudget {
  const byOrganisation = new Map<string, number>();
  const peakByOrganisation = new Map<string, number>();
  let total = 0;
  let peak = 0;

  const budget: UploadBufferBudget = {
    tryReserve(organisationCode, bytes) {
      const held = byOrganisation.get(organisationCode) ?? 0;
      if (held + bytes > limits.perOrganisationBytes || total + bytes > limits.totalBytes) {
        return false;
      }
      byOrganisation.set(organisationCode, held + bytes);
      total += bytes;
      peak = Math.max(peak, total);
      peakByOrganisation.set(
        organisationCode,
        Math.max(peakByOrganisation.get(organisationCode) ?? 0, held + bytes),
      );
      return true;
    },
    release(organisationCode, bytes) {
      const left = (byOrganisation.get(organisationCode) ?? 0) - bytes;
      if (left > 0) byOrganisation.set(organisationCode, left);
      else byOrganisation.delete(organisationCode);
      total -= bytes;
    },
    allowanceFor(organisationCode) {
      return {
        tryReserve: (bytes) => budget.tryReserve(organisationCode, bytes),
        release: (bytes) => budget.release(organisationCode, bytes),
      };
    },
    stats() {
      return {
        bytes: total,
        peakBytes: peak,
        peakBytesByOrganisation: Object.fromEntries(peakByOrganisation),
      };
    },
  };
  return budget;
}
