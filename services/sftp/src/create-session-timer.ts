/** Why a session was closed by its timer: no request for too long, or too old. */
export type SessionExpiry = 'idle' | 'max_duration';

/** The timers of one logged-in connection. */
export interface SessionTimer {
  /** Marks activity (an SFTP request), which postpones the idle timeout. */
  touch(): void;
  stop(): void;
}

/**
 * Closes a session that stays idle for `idleMs` or lives longer than `maxMs`: a
 * connection opened before a suspension or a key revocation must not live on for
 * days. `touch` runs on every request, so it only stores a time; the idle timer
 * looks at it when it fires and re-arms for the time left. Measured on the
 * monotonic clock, not the injectable platform clock: these are durations.
 *
 * @example
 * const timer = createSessionTimer({ idleMs: 900_000, maxMs: 21_600_000, onExpire: () => client.end() });
 */
export function createSessionTimer(options: {
  idleMs: number;
  maxMs: number;
  onExpire(reason: SessionExpiry): void;
}): SessionTimer {
  const { idleMs, maxMs, onExpire } = options;
  let lastActivity = performance.now();
  let stopped = false;
  let idleTimer: NodeJS.Timeout;

  const expire = (reason: SessionExpiry): void => {
    if (stopped) return;
    stop();
    onExpire(reason);
  };
  const armIdle = (delay: number): void => {
    idleTimer = setTimeout(() => {
      const idleFor = performance.now() - lastActivity;
      if (idleFor >= idleMs) expire('idle');
      else armIdle(idleMs - idleFor);
    }, delay);
    idleTimer.unref();
  };
  const maxTimer = setTimeout(() => expire('max_duration'), maxMs);
  maxTimer.unref();
  armIdle(idleMs);

  function stop(): void {
    stopped = true;
    clearTimeout(idleTimer);
    clearTimeout(maxTimer);
  }
  return {
    touch() {
      lastActivity = performance.now();
    },
    stop,
  };
}
