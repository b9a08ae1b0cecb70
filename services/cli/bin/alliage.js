#!/usr/bin/env node
// Launcher for `npx alliage`: the sources are TypeScript run by Node 24's type
// stripping. When an older system Node starts this file, re-run it with the Node 24
// that the repository brings as its `node` devDependency.
// One-shot commands (all but `serve` and `worker`) run with the flags of
// `src/one-shot-node-flags.ts` (kept in step by hand: this file must run on older
// Nodes, which cannot import TypeScript): WebAssembly on its baseline compiler only,
// which saves ~2 s per command. Node cannot take them once started, so a Node 24
// started without them re-runs itself too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ONE_SHOT_NODE_FLAGS = ['--liftoff-only'];

const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.join(here, '..', 'src', 'main.ts');
const major = Number(process.versions.node.split('.')[0]);
const args = process.argv.slice(2);
const longRunning = args[0] === 'serve' || args[0] === 'worker';
const flags = longRunning ? [] : ONE_SHOT_NODE_FLAGS;

if (major >= 24 && flags.every((flag) => process.execArgv.includes(flag))) {
  await import(main);
} else {
  const candidates = [
    path.join(here, '..', 'node_modules', '.bin', 'node'),
    path.join(here, '..', '..', '..', 'node_modules', '.bin', 'node'),
  ];
  const node24 =
    major >= 24 ? process.execPath : candidates.find((candidate) => existsSync(candidate));
  if (!node24) {
    process.stderr.write('alliage needs Node >= 24: run `npm install` in the repository first\n');
    process.exit(2);
  }
  const result = spawnSync(node24, [...flags, main, ...args], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
