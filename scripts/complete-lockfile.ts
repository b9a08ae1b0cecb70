// Adds lock entries for platform-specific optional packages that the registry
// mirror of our build machines does not serve (darwin, win32, android, musl builds
// of biome, turbo, …). `npm install` silently skips them, but `npm ci` then refuses
// the lock as "out of sync". The entries carry os/cpu/libc so every platform
// skips the ones that are not its own; on a machine whose registry serves them,
// npm fetches them by name and version as usual.
//
// Run after changing dependencies: `node scripts/complete-lockfile.ts`.
import { readFileSync, writeFileSync } from 'node:fs';

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { packages: Record<string, LockEntry> };

function platformOf(name: string): Pick<LockEntry, 'os' | 'cpu' | 'libc'> | null {
  const os = /darwin/.test(name)
    ? 'darwin'
    : /win32|windows/.test(name)
      ? 'win32'
      : /android/.test(name)
        ? 'android'
        : /freebsd/.test(name)
          ? 'freebsd'
          : /linux/.test(name)
            ? 'linux'
            : null;
  const cpu = /arm64|aarch64/.test(name)
    ? 'arm64'
    : /x64|-64\b|x86_64/.test(name)
      ? 'x64'
      : /ia32/.test(name)
        ? 'ia32'
        : null;
  if (!os || !cpu) return null;
  return { os: [os], cpu: [cpu], ...(/musl/.test(name) ? { libc: ['musl'] } : {}) };
}

let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [dependency, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location === '' ? '' : `${location}/`;
    const target = `${base}node_modules/${dependency}`;
    const hoisted = `node_modules/${dependency}`;
    if (lock.packages[target] || lock.packages[hoisted]) continue;
    const platform = platformOf(dependency);
    if (!platform) continue;
    lock.packages[hoisted] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added += 1;
  }
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  ),
);
lock.packages = sorted;
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`complete-lockfile: ${added} platform entries added\n`);
