/** Counts authenticated connections per organisation against a cap. */
export interface SessionCounter {
  /** Takes a slot for the organisation; false when it already has `max`. */
  tryAcquire(organisationCode: string): boolean;
  release(organisationCode: string): void;
  count(organisationCode: string): number;
}

/**
 * One slot per authenticated SSH connection (each connection may open one SFTP
 * session), so a leaked or shared key cannot fan out into many parallel streams.
 *
 * @example
 * const sessions = createSessionCounter(4);
 * if (!sessions.tryAcquire('M01')) ctx.reject();
 */
export function createSessionCounter(max: number): SessionCounter {
  const counts = new Map<string, number>();
  return {
    tryAcquire(organisationCode) {
      const current = counts.get(organisationCode) ?? 0;
      if (current >= max) return false;
      counts.set(organisationCode, current + 1);
      return true;
    },
    release(organisationCode) {
      const current = counts.get(organisationCode) ?? 0;
      if (current <= 1) counts.delete(organisationCode);
      else counts.set(organisationCode, current - 1);
    },
    count(organisationCode) {
      return counts.get(organisationCode) ?? 0;
    },
  };
}
