import { posix } from 'node:path';
import { isClient, isMember, type TOrgKind } from '@alliage/domain';

/** The directories an organisation can see at the top of its virtual root. */
export type StorageArea = 'in' | 'reports' | 'out';

/** Who is asking and where their root lives on disk (`<storageRoot>/<ORG>`, already canonical). */
export interface VirtualAccount {
  organisationCode: string;
  kind: TOrgKind;
  /** The areas it sees, when not those of its kind (`areasForKind`). */
  areas?: readonly StorageArea[];
  rootDirectory: string;
}

/** Why a client path was refused; the caller maps it to an SFTP status. */
export type VirtualPathRefusal =
  | 'invalid_path'
  | 'escapes_root'
  | 'outside_namespace'
  | 'hidden_name';

export type ResolvedPath =
  | { ok: true; kind: 'root'; virtualPath: string; segments: string[]; diskPath: string }
  | {
      ok: true;
      kind: 'area';
      area: StorageArea;
      virtualPath: string;
      segments: string[];
      diskPath: string;
    }
  | {
      ok: true;
      kind: 'entry';
      area: StorageArea;
      virtualPath: string;
      /** `[area, ...rest]`, each a plain name. */
      segments: string[];
      name: string;
      diskPath: string;
    }
  | { ok: false; reason: VirtualPathRefusal };

const MAX_PATH_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;
// Control characters have no business in a drop-zone path and confuse logs and terminals.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The areas an organisation of this kind sees: members `in` and `reports`, clients `out`. */
export function areasForKind(kind: TOrgKind): StorageArea[] {
  const areas: StorageArea[] = [];
  if (isMember(kind)) areas.push('in', 'reports');
  if (isClient(kind)) areas.push('out');
  return areas;
}

/**
 * The areas an account sees: those it was given (an offboarded member: `reports` only),
 * else those of its kind.
 *
 * @example
 * visibleAreas({ kind: 'member', areas: ['reports'] }) // ['reports']
 */
export function visibleAreas(account: {
  kind: TOrgKind;
  areas?: readonly StorageArea[];
}): readonly StorageArea[] {
  return account.areas ?? areasForKind(account.kind);
}

/**
 * Maps a path sent by an SFTP client to the organisation's virtual namespace and
 * its place on disk, without touching the disk. The one place every handler
 * resolves a client path; symlinks on disk are checked separately (inspectDiskPath).
 *
 * @example
 * resolveVirtualPath({ organisationCode: 'M01', kind: 'member', rootDirectory: '/srv/M01' }, '/in/a.pgp')
 * // → { ok: true, kind: 'entry', area: 'in', virtualPath: '/in/a.pgp', diskPath: '/srv/M01/in/a.pgp', … }
 */
export function resolveVirtualPath(account: VirtualAccount, clientPath: string): ResolvedPath {
  if (
    typeof clientPath !== 'string' ||
    clientPath.length > MAX_PATH_LENGTH ||
    clientPath.includes('\\') ||
    CONTROL_CHARACTERS.test(clientPath)
  ) {
    return { ok: false, reason: 'invalid_path' };
  }

  // The client's working directory is always `/`, so relative paths start there;
  // `..` may move within the namespace but never above its root (refused, not clamped,
  // so a confused or hostile client learns nothing by probing).
  const segments: string[] = [];
  for (const part of clientPath.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (segments.length === 0) return { ok: false, reason: 'escapes_root' };
      segments.pop();
      continue;
    }
    if (part.length > MAX_SEGMENT_LENGTH) return { ok: false, reason: 'invalid_path' };
    segments.push(part);
  }

  const rootDirectory = posix.normalize(account.rootDirectory).replace(/(.)\/+$/, '$1');
  if (segments.length === 0) {
    return { ok: true, kind: 'root', virtualPath: '/', segments, diskPath: rootDirectory };
  }

  const [first] = segments as [string, ...string[]];
  const area = visibleAreas(account).find((candidate) => candidate === first);
  // Host paths (`/etc/passwd`) and other organisations' codes (`/M10/in`) are simply
  // not names in this namespace.
  if (area === undefined) return { ok: false, reason: 'outside_namespace' };
  // Hidden names are where in-progress uploads live; nothing hidden is ever addressable.
  if (segments.some((segment) => segment.startsWith('.'))) {
    return { ok: false, reason: 'hidden_name' };
  }

  const diskPath = posix.join(rootDirectory, ...segments);
  // Belt and braces against the `M1` / `M10` prefix-sibling bug: the separator is
  // part of the comparison.
  if (!diskPath.startsWith(`${rootDirectory}/`)) return { ok: false, reason: 'escapes_root' };

  const virtualPath = `/${segments.join('/')}`;
  if (segments.length === 1) {
    return { ok: true, kind: 'area', area, virtualPath, segments, diskPath };
  }
  const name = segments[segments.length - 1] as string;
  return { ok: true, kind: 'entry', area, virtualPath, segments, name, diskPath };
}
