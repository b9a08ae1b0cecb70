#!/usr/bin/env node
// Launcher for `npx alliage`: the sources are TypeScript run by Node 24's type
// stripping. When an older system Node starts this file, re-run it with the Node 24
// that the repository brings as its `node` devDependency.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.join(here, '..', 'src', 'main.ts');
const major = Number(process.versions.node.split('.')[0]);

if (major >= 24) {
  await import(main);
} else {
  const candidates = [
    path.join(here, '..', 'node_modules', '.bin', 'node'),
    path.join(here, '..', '..', '..', 'node_modules', '.bin', 'node'),
  ];
  const node24 = candidates.find((candidate) => existsSync(candidate));
  if (!node24) {
    process.stderr.write('alliage needs Node >= 24: run `npm install` in the repository first\n');
    process.exit(2);
  }
  const result = spawnSync(node24, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
