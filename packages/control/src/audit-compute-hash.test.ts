import { describe, expect, it } from 'vitest';
import { computeAuditHash, GENESIS_HASH, type TAuditRowForHash } from './audit-compute-hash.ts';

const row: TAuditRowForHash = {
  seq: 1,
  occurredAt: '2026-03-01T10:00:00.123Z',
  actor: 'cli:alice',
  action: 'file.received',
  objectType: 'file',
  objectId: 'f-1',
  organisationCode: 'M01',
  instructionVersion: 3,
  details: { size: 10, nested: { b: [1, { y: 2, x: 1 }], a: 'é' } },
  prevHash: GENESIS_HASH,
};

describe('computeAuditHash', () => {
  it('is a hex SHA-256 and does not depend on key order, at any depth', () => {
    const reordered: TAuditRowForHash = {
      prevHash: row.prevHash,
      details: { nested: { a: 'é', b: [1, { x: 1, y: 2 }] }, size: 10 },
      instructionVersion: 3,
      organisationCode: 'M01',
      objectId: 'f-1',
      objectType: 'file',
      action: 'file.received',
      actor: 'cli:alice',
      occurredAt: row.occurredAt,
      seq: 1,
    };
    const hash = computeAuditHash(GENESIS_HASH, row);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(computeAuditHash(GENESIS_HASH, reordered)).toBe(hash);
  });

  it('changes when any column changes, including array order and the previous hash', () => {
    const hash = computeAuditHash(GENESIS_HASH, row);
    const variants: TAuditRowForHash[] = [
      { ...row, seq: 2 },
      { ...row, occurredAt: '2026-03-01T10:00:00.124Z' },
      { ...row, actor: 'cli:alicE' },
      { ...row, action: 'file.accepted' },
      { ...row, objectType: null },
      { ...row, objectId: 'f-2' },
      { ...row, organisationCode: 'M02' },
      { ...row, instructionVersion: null },
      { ...row, details: { size: 10, nested: { b: [{ y: 2, x: 1 }, 1], a: 'é' } } },
      { ...row, details: { size: '10', nested: { b: [1, { y: 2, x: 1 }], a: 'é' } } },
    ];
    const hashes = variants.map((variant) => computeAuditHash(GENESIS_HASH, variant));
    expect(new Set([hash, ...hashes]).size).toBe(variants.length + 1);
    const otherPrev = 'f'.repeat(64);
    expect(computeAuditHash(otherPrev, { ...row, prevHash: otherPrev })).not.toBe(hash);
  });

  it('refuses a row whose prevHash differs from the one given', () => {
    expect(() => computeAuditHash('f'.repeat(64), row)).toThrow(TypeError);
  });
});
