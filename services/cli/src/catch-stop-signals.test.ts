import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { catchStopSignals } from './catch-stop-signals.ts';

const setUp = () => {
  const source = new EventEmitter();
  const exits: number[] = [];
  const stops: string[] = [];
  const signals = catchStopSignals((code) => exits.push(code), source as never);
  const send = (signal: NodeJS.Signals) => source.emit(signal, signal);
  return { signals, send, exits, stops };
};

describe('catchStopSignals', () => {
  it('holds a signal that comes during the start and stops once the command is ready', () => {
    const { signals, send, exits, stops } = setUp();
    send('SIGTERM');
    expect(stops).toEqual([]);
    signals.ready((signal) => stops.push(signal));
    expect(stops).toEqual(['SIGTERM']);
    expect(exits).toEqual([]);
  });

  it('stops on the first signal once ready, and exits at once (130) on a second', () => {
    const { signals, send, exits, stops } = setUp();
    signals.ready((signal) => stops.push(signal));
    send('SIGINT');
    expect(stops).toEqual(['SIGINT']);
    expect(exits).toEqual([]);
    send('SIGINT');
    expect(stops).toEqual(['SIGINT']);
    expect(exits).toEqual([130]);
  });

  it('exits at once on a second signal during the start', () => {
    const { signals, send, exits, stops } = setUp();
    send('SIGTERM');
    send('SIGTERM');
    expect(exits).toEqual([130]);
    signals.ready((signal) => stops.push(signal));
    expect(stops).toEqual(['SIGTERM']);
  });
});
