import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, type ScheduleTimer, withDeadline } from './with-deadline.ts';

/** A schedule the test fires by hand: `fire()` runs every timer not cancelled. */
const manualSchedule = () => {
  const timers = new Set<() => void>();
  const schedule: ScheduleTimer = (callback) => {
    timers.add(callback);
    return () => timers.delete(callback);
  };
  return {
    schedule,
    pending: () => timers.size,
    fire: () => {
      for (const callback of [...timers]) callback();
    },
  };
};

describe('withDeadline', () => {
  it('settles like the work when it ends first, and cancels its timer', async () => {
    const timers = manualSchedule();
    await expect(withDeadline(Promise.resolve(7), 1000, timers.schedule, 'late')).resolves.toBe(7);
    expect(timers.pending()).toBe(0);
    const failing = withDeadline(Promise.reject(new Error('boom')), 1000, timers.schedule, 'late');
    await expect(failing).rejects.toThrow('boom');
    expect(timers.pending()).toBe(0);
  });

  it('rejects with the code at the deadline, and drops what the work answers later', async () => {
    const timers = manualSchedule();
    let answer = (_value: string): void => undefined;
    const work = new Promise<string>((resolve) => {
      answer = resolve;
    });
    const bounded = withDeadline(work, 1000, timers.schedule, 'account_lookup_timeout');
    timers.fire();
    const error = await bounded.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ code: 'account_lookup_timeout' });
    answer('late');
    await expect(work).resolves.toBe('late');
    await expect(bounded).rejects.toThrow('deadline exceeded: account_lookup_timeout');
  });
});
