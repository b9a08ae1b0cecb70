import { describe, expect, it } from 'vitest';
import { areasForKind, resolveVirtualPath, type VirtualAccount } from './resolve-virtual-path.ts';

const member: VirtualAccount = {
  organisationCode: 'M1',
  kind: 'member',
  rootDirectory: '/srv/sftp/M1',
};
const client: VirtualAccount = {
  organisationCode: 'C1',
  kind: 'client',
  rootDirectory: '/srv/sftp/C1',
};
const both: VirtualAccount = {
  organisationCode: 'B1',
  kind: 'both',
  rootDirectory: '/srv/sftp/B1',
};

describe('areasForKind', () => {
  it('gives members in/reports, clients out, both all three', () => {
    expect(areasForKind('member')).toEqual(['in', 'reports']);
    expect(areasForKind('client')).toEqual(['out']);
    expect(areasForKind('both')).toEqual(['in', 'reports', 'out']);
  });
});

describe('resolveVirtualPath', () => {
  it('maps the root, an area and an entry', () => {
    expect(resolveVirtualPath(member, '/')).toMatchObject({
      ok: true,
      kind: 'root',
      virtualPath: '/',
      diskPath: '/srv/sftp/M1',
    });
    expect(resolveVirtualPath(member, '/in')).toMatchObject({
      ok: true,
      kind: 'area',
      area: 'in',
      diskPath: '/srv/sftp/M1/in',
    });
    expect(resolveVirtualPath(member, '/in/drop.csv.pgp')).toMatchObject({
      ok: true,
      kind: 'entry',
      area: 'in',
      name: 'drop.csv.pgp',
      virtualPath: '/in/drop.csv.pgp',
      diskPath: '/srv/sftp/M1/in/drop.csv.pgp',
    });
  });

  it('treats relative paths, `.`, empty segments and in-bounds `..` as from the root', () => {
    expect(resolveVirtualPath(member, '.')).toMatchObject({ ok: true, kind: 'root' });
    expect(resolveVirtualPath(member, '')).toMatchObject({ ok: true, kind: 'root' });
    expect(resolveVirtualPath(member, 'in//./a.pgp')).toMatchObject({ virtualPath: '/in/a.pgp' });
    expect(resolveVirtualPath(member, '/in/..')).toMatchObject({ ok: true, kind: 'root' });
    expect(resolveVirtualPath(member, '/in/../reports/r.csv')).toMatchObject({
      ok: true,
      diskPath: '/srv/sftp/M1/reports/r.csv',
    });
  });

  it.each([
    ['..', 'escapes_root'],
    ['../', 'escapes_root'],
    ['/..', 'escapes_root'],
    ['../M10/in', 'escapes_root'],
    ['/in/../../M10/in', 'escapes_root'],
    ['/in/../..', 'escapes_root'],
    ['in/../../../etc/passwd', 'escapes_root'],
  ])('refuses %j climbing above the root (%s)', (clientPath, reason) => {
    expect(resolveVirtualPath(member, clientPath)).toEqual({ ok: false, reason });
  });

  it.each([
    ['..\\..', 'invalid_path'],
    ['\\in\\a.pgp', 'invalid_path'],
    ['/in/a.pgp\u0000.txt', 'invalid_path'],
    ['/in/\u0000', 'invalid_path'],
    ['/in/a\nb', 'invalid_path'],
    ['/in/a\u007fb', 'invalid_path'],
    [`/in/${'a'.repeat(256)}`, 'invalid_path'],
    [`/${'a/'.repeat(600)}`, 'invalid_path'],
  ])('refuses malformed %j (%s)', (clientPath, reason) => {
    expect(resolveVirtualPath(member, clientPath)).toEqual({ ok: false, reason });
  });

  it.each([
    '/etc/passwd',
    '/srv/sftp/M1/in',
    '/srv/sftp/M10/in',
    '/M10/in',
    '/M1/in',
    'M10',
    '/out',
    '/out/delivery.pgp',
    '/IN',
    'C:/Windows',
  ])('refuses %j: not a name in a member namespace', (clientPath) => {
    expect(resolveVirtualPath(member, clientPath)).toEqual({
      ok: false,
      reason: 'outside_namespace',
    });
  });

  it('keeps clients out of member areas and members out of out/', () => {
    expect(resolveVirtualPath(client, '/in/a.pgp')).toEqual({
      ok: false,
      reason: 'outside_namespace',
    });
    expect(resolveVirtualPath(client, '/reports')).toEqual({
      ok: false,
      reason: 'outside_namespace',
    });
    expect(resolveVirtualPath(client, '/out/d.pgp')).toMatchObject({ ok: true, area: 'out' });
    expect(resolveVirtualPath(both, '/out/d.pgp')).toMatchObject({ ok: true, area: 'out' });
    expect(resolveVirtualPath(both, '/in/a.pgp')).toMatchObject({ ok: true, area: 'in' });
  });

  it('refuses hidden names anywhere below an area (in-progress uploads live there)', () => {
    expect(resolveVirtualPath(member, '/in/.upload-abc.part')).toEqual({
      ok: false,
      reason: 'hidden_name',
    });
    expect(resolveVirtualPath(member, '/reports/.x/y')).toEqual({
      ok: false,
      reason: 'hidden_name',
    });
  });

  it('never yields a disk path outside the root, prefix siblings included', () => {
    const m1 = { ...member, rootDirectory: '/srv/sftp/M1/' };
    for (const clientPath of ['/in/a', 'in/../reports/b', '/reports/x/y/z']) {
      const resolved = resolveVirtualPath(m1, clientPath);
      expect(resolved.ok).toBe(true);
      if (resolved.ok) {
        expect(resolved.diskPath.startsWith('/srv/sftp/M1/')).toBe(true);
        expect(resolved.diskPath.startsWith('/srv/sftp/M10')).toBe(false);
      }
    }
  });
});
