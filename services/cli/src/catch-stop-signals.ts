/** What stops a long-running command once it has started. */
export type TStopOnSignal = (signal: NodeJS.Signals) => void;

export interface TStopSignals {
  /** The command has started: `stop` handles SIGINT/SIGTERM from now on, and one that came during the start at once. */
  ready(stop: TStopOnSignal): void;
}

/**
 * Takes SIGINT and SIGTERM from the first moment of a long-running command (`serve`,
 * `worker`). Node's default for a signal with no listener is to die on the spot: a
 * SIGTERM arriving during the start (or in the instant after "is running" is printed)
 * killed the process without closing the pool, so its lease stayed taken for 90 s and
 * its jobs were cut. A signal during the start is held and handled once the command
 * is ready (the start then stops cleanly); a second one while the start goes on exits
 * at once (exit code 130), for an operator who will not wait.
 *
 * @example
 * const signals = catchStopSignals();
 * // … start …
 * signals.ready((signal) => void stop(signal, 0));
 */
export function catchStopSignals(exit: (code: number) => void = process.exit): TStopSignals {
  let stop: TStopOnSignal | null = null;
  let pending: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop) return stop(signal);
    if (pending) return exit(130);
    pending = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    ready(handler) {
      stop = handler;
      if (pending) handler(pending);
    },
  };
}
