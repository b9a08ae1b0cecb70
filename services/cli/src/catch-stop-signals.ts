/** What stops a long-running command once it has started. */
export type TStopOnSignal = (signal: NodeJS.Signals) => void;

export interface TStopSignals {
  /** The command has started: `stop` handles SIGINT/SIGTERM from now on, and one that came during the start at once. */
  ready(stop: TStopOnSignal): void;
}

/** Where the signals come from (the process; an emitter in tests). */
export interface TSignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Takes SIGINT and SIGTERM from the first moment of a long-running command (`serve`,
 * `worker`). Node's default for a signal with no listener is to die on the spot: a
 * SIGTERM arriving during the start (or in the instant after "is running" is printed)
 * killed the process without closing the pool, so its lease stayed taken for 90 s and
 * its jobs were cut. The first signal stops the command cleanly (held until the start is
 * done, when it comes during it); a second one exits at once (exit code 130), for an
 * operator who will not wait for running jobs to finish.
 *
 * @example
 * const signals = catchStopSignals();
 * // … start …
 * signals.ready((signal) => void stop(signal, 0));
 */
export function catchStopSignals(
  exit: (code: number) => void = process.exit,
  source: TSignalSource = process,
): TStopSignals {
  let stop: TStopOnSignal | null = null;
  let first: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (first) return exit(130);
    first = signal;
    stop?.(signal);
  };
  source.on('SIGINT', onSignal);
  source.on('SIGTERM', onSignal);
  return {
    ready(handler) {
      stop = handler;
      if (first) handler(first);
    },
  };
}
