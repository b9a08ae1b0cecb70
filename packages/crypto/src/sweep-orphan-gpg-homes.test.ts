import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectGpg } from './detect-gpg.ts';
import { currentGpgHomeOwner, gpgHomePrefix } from './gpg-home-owner.ts';
import { sweepOrphanGpgHomes } from './sweep-orphan-gpg-homes.ts';
import { hasGpg } from './testing/index.ts';

describe.skipIf(!hasGpg)('sweepOrphanGpgHomes (real gpg-agent)', () => {
  let directory = '';
  const agents: string[] = [];
  afterEach(() => {
    for (const home of agents.splice(0)) {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
    }
    rmSync(directory, { recursive: true, force: true });
  });

  const makeHome = (name: string, withAgent: boolean): string => {
    const home = path.join(directory, name);
    mkdirSync(home, { mode: 0o700 });
    if (withAgent) {
      agents.push(home);
      execFileSync('gpg-connect-agent', ['--homedir', home, '/bye'], { stdio: 'ignore' });
    }
    return home;
  };
  /** Processes whose command line names the home (its gpg-agent), from /proc. */
  const processesOf = (home: string) =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(home);
        } catch {
          return false;
        }
      });
  const agentSocket = (home: string) =>
    execFileSync('gpgconf', ['--homedir', home, '--list-dirs', 'agent-socket']).toString().trim();

  it("stops the agent of a dead process's home and removes it, leaving every other home", async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'alliage-sweep-test-'));
    const self = currentGpgHomeOwner();
    // A process that has exited: its id names no process any more.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const orphan = makeHome(`${gpgHomePrefix({ ...self, pid: deadPid })}Orphan`, true);
    expect(existsSync(agentSocket(orphan))).toBe(true);
    expect(processesOf(orphan)).toHaveLength(1);
    const kept = [
      makeHome(`${gpgHomePrefix(self)}Mine01`, true),
      makeHome(
        `${gpgHomePrefix({ hostTag: self.hostTag === '00000000' ? '11111111' : '00000000', pid: deadPid })}Other1`,
        false,
      ),
      makeHome('alliage-gpg-Legacy', false),
    ];
    const socket = agentSocket(orphan);

    expect(await sweepOrphanGpgHomes({ gpg: await detectGpg(), directory })).toBe(1);
    expect(existsSync(orphan)).toBe(false);
    // The agent is gone, not only its folder. (With its socket in the home, as here,
    // gpg-agent also stops when the socket goes; with sockets under /run/user/<uid>/gnupg,
    // on systemd machines, only the kill stops it.)
    expect(existsSync(socket)).toBe(false);
    expect(processesOf(orphan)).toEqual([]);
    expect(readdirSync(directory).sort()).toEqual(kept.map((home) => path.basename(home)).sort());
    expect(existsSync(agentSocket(kept[0] as string))).toBe(true);

    // Nothing left to do the second time.
    expect(await sweepOrphanGpgHomes({ gpg: await detectGpg(), directory })).toBe(0);
  });

  it('reads a missing directory as nothing to sweep', async () => {
    directory = path.join(os.tmpdir(), 'alliage-sweep-test-missing');
    expect(await sweepOrphanGpgHomes({ gpg: await detectGpg(), directory })).toBe(0);
  });
});
