import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './app-error.ts';
import { parseInput } from './parse-input.ts';

describe('parseInput', () => {
  it('returns the parsed value', () => {
    expect(parseInput(z.object({ n: z.coerce.number() }), { n: '3' })).toEqual({ n: 3 });
  });

  it('throws validation_failed naming the fields, never the values', () => {
    try {
      parseInput(
        z.object({ email: z.email(), age: z.number() }),
        { email: 'secret-value', age: 'x' },
        'body',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      const appError = error as AppError;
      expect(appError.code).toBe('validation_failed');
      expect(appError.status).toBe(400);
      expect(appError.fields.map((field) => field.path)).toEqual(['body.email', 'body.age']);
      expect(JSON.stringify(appError.fields) + appError.message).not.toContain('secret-value');
    }
  });
});
