import ssh2, { type ParsedKey, type SignCallback, type SigningRequestOptions } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectSftp,
  eventsOf,
  HAS_OPENSSH_SFTP,
  type Harness,
  openSocket,
  runOpenSshBatch,
  startHarness,
  tryLogin,
  waitFor,
} from './sftp-test-harness.ts';

let harness: Harness;
afterEach(async () => {
  await harness?.close();
});

function parse(key: string): ParsedKey {
  const parsed = ssh2.utils.parseKey(key) as ParsedKey | ParsedKey[] | Error;
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first || first instanceof Error) throw new Error('test key did not parse');
  return first;
}

/**
 * An agent that offers one public key and signs with whatever private key it was
 * given: with the matching key it is an honest agent, with another one it produces
 * a well-formed signature that does not verify — exactly what the server must check.
 */
class SigningAgent extends ssh2.BaseAgent<ParsedKey> {
  readonly offered: ParsedKey;
  readonly signer: ParsedKey;

  constructor(offered: ParsedKey, signer: ParsedKey) {
    super();
    this.offered = offered;
    this.signer = signer;
  }

  getIdentities(cb: (error: Error | null, keys?: ParsedKey[]) => void): void {
    cb(null, [this.offered]);
  }

  sign(
    _publicKey: ParsedKey,
    data: Buffer,
    options: SigningRequestOptions | SignCallback,
    cb?: SignCallback,
  ): void {
    const callback = (typeof options === 'function' ? options : cb) as SignCallback;
    const hash = typeof options === 'object' ? options.hash : undefined;
    callback(null, this.signer.sign(data, hash));
  }
}

const failedLogins = () => eventsOf(harness, 'sftp.login_failed');

describe('authentication', () => {
  it('accepts the registered key and audits the login', async () => {
    harness = await startHarness();
    expect(
      await tryLogin(harness, { username: 'M1', privateKey: harness.keys.M1.privateKey }),
    ).toBe('ready');
    expect(eventsOf(harness, 'sftp.login')).toMatchObject([
      {
        organisationCode: 'M1',
        remoteAddress: '127.0.0.1',
        details: { kind: 'member', keyType: 'ssh-ed25519' },
      },
    ]);
  });

  it('refuses the right user with a wrong key', async () => {
    harness = await startHarness();
    expect(
      await tryLogin(harness, { username: 'M1', privateKey: harness.keys.stranger.privateKey }),
    ).not.toBe('ready');
    // Another organisation's registered key is just as wrong.
    expect(
      await tryLogin(harness, { username: 'M1', privateKey: harness.keys.M10.privateKey }),
    ).not.toBe('ready');
    await waitFor(() => failedLogins().length === 2);
    // The claimed organisation is named, so its own audit view shows the attempts.
    expect(failedLogins()[0]).toMatchObject({
      organisationCode: 'M1',
      details: { username: 'M1', reasons: ['unregistered_key'] },
    });
    expect(eventsOf(harness, 'sftp.login')).toEqual([]);
  });

  it('verifies the signature: the registered public key signed by another private key is refused', async () => {
    harness = await startHarness();
    const m1Public = parse(harness.keys.M1.publicKey);
    const honest = new SigningAgent(m1Public, parse(harness.keys.M1.privateKey));
    expect(await tryLogin(harness, { username: 'M1', agent: honest })).toBe('ready');

    const forger = new SigningAgent(m1Public, parse(harness.keys.stranger.privateKey));
    expect(await tryLogin(harness, { username: 'M1', agent: forger })).not.toBe('ready');
    await waitFor(() => failedLogins().length === 1);
    expect(failedLogins()[0]).toMatchObject({ details: { reasons: ['bad_signature'] } });
    expect(eventsOf(harness, 'sftp.login')).toHaveLength(1);
  });

  it('refuses passwords and keyboard-interactive, and never asks the control plane about odd usernames', async () => {
    const looked: string[] = [];
    harness = await startHarness({
      lookupAccount: async (username) => {
        looked.push(username);
        return harness.accounts.get(username) ?? null;
      },
    });
    expect(await tryLogin(harness, { username: 'M1', password: 'M1' })).not.toBe('ready');
    expect(await tryLogin(harness, { username: 'M1', tryKeyboard: true })).not.toBe('ready');
    expect(
      await tryLogin(harness, { username: '../M1', privateKey: harness.keys.M1.privateKey }),
    ).not.toBe('ready');
    expect(
      await tryLogin(harness, { username: 'ZZ9', privateKey: harness.keys.M1.privateKey }),
    ).not.toBe('ready');
    await waitFor(() => failedLogins().length === 4);
    expect(failedLogins().map((event) => event.details.reasons)).toEqual([
      ['method_password'],
      ['method_keyboard-interactive'],
      ['unknown_account'],
      ['unknown_account'],
    ]);
    expect(looked).toEqual(['ZZ9']);
  });

  it.skipIf(!HAS_OPENSSH_SFTP)('refuses OpenSSH with a wrong key', async () => {
    harness = await startHarness();
    const result = await runOpenSshBatch(harness, 'M1', harness.keys.stranger, ['ls']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Permission denied');
  });

  it('bans an address after repeated failures, for a doubling time, even for the right key', async () => {
    harness = await startHarness({
      ban: { failuresBeforeBan: 3, baseSeconds: 60, maxSeconds: 600 },
    });
    const wrong = { username: 'M1', privateKey: harness.keys.stranger.privateKey };
    const right = { username: 'M1', privateKey: harness.keys.M1.privateKey };
    const failThrice = async () => {
      const before = failedLogins().length;
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        expect(await tryLogin(harness, wrong)).not.toBe('ready');
        await waitFor(() => failedLogins().length === before + attempt);
      }
    };

    await failThrice();
    expect(eventsOf(harness, 'sftp.denied')).toMatchObject([
      { remoteAddress: '127.0.0.1', details: { reason: 'address_banned', banSeconds: 60 } },
    ]);
    expect(await tryLogin(harness, right)).not.toBe('ready');
    harness.advance(59);
    expect(await tryLogin(harness, right)).not.toBe('ready');
    harness.advance(2);
    expect(await tryLogin(harness, right)).toBe('ready');

    await failThrice();
    harness.advance(61);
    expect(await tryLogin(harness, right)).not.toBe('ready');
    harness.advance(60);
    expect(await tryLogin(harness, right)).toBe('ready');
    expect(eventsOf(harness, 'sftp.denied').map((event) => event.details.banSeconds)).toEqual([
      60, 120,
    ]);
  });

  it('drops a banned address before the SSH handshake', async () => {
    harness = await startHarness({
      ban: { failuresBeforeBan: 1, baseSeconds: 60, maxSeconds: 60 },
    });
    await tryLogin(harness, { username: 'M1', password: 'guess' });
    await waitFor(() => failedLogins().length === 1);
    const socket = await openSocket(harness);
    const received = await new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString('latin1');
      });
      socket.on('close', () => resolve(data));
    });
    expect(received).toBe(''); // not even the SSH identification string
  });

  it('caps concurrent sessions per organisation, without counting it as a failed login', async () => {
    harness = await startHarness({
      maxSessionsPerOrganisation: 2,
      ban: { failuresBeforeBan: 2, baseSeconds: 60, maxSeconds: 60 },
    });
    const first = await connectSftp(harness, 'M1', harness.keys.M1);
    const second = await connectSftp(harness, 'M1', harness.keys.M1);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(
        await tryLogin(harness, { username: 'M1', privateKey: harness.keys.M1.privateKey }),
      ).not.toBe('ready');
    }
    // Other organisations are not affected.
    expect(
      await tryLogin(harness, { username: 'M10', privateKey: harness.keys.M10.privateKey }),
    ).toBe('ready');
    await first.end();
    await waitFor(async () => {
      return (
        (await tryLogin(harness, { username: 'M1', privateKey: harness.keys.M1.privateKey })) ===
        'ready'
      );
    });
    await second.end();
    expect(
      eventsOf(harness, 'sftp.denied').filter((event) => event.details.reason === 'session_limit'),
    ).toHaveLength(3);
    expect(failedLogins()).toEqual([]);
  });

  it('offers no shell, exec or port forwarding', async () => {
    harness = await startHarness();
    const client = new ssh2.Client();
    client.on('error', () => undefined);
    const sock = await openSocket(harness);
    await new Promise<void>((resolve) => {
      client.on('ready', () => resolve());
      client.connect({ sock, username: 'M1', privateKey: harness.keys.M1.privateKey });
    });
    const exec = await new Promise<Error | undefined>((resolve) =>
      client.exec('id', (error) => resolve(error)),
    );
    const shell = await new Promise<Error | undefined>((resolve) =>
      client.shell((error) => resolve(error)),
    );
    const forward = await new Promise<Error | undefined>((resolve) =>
      client.forwardOut('127.0.0.1', 0, '127.0.0.1', harness.port, (error) => resolve(error)),
    );
    client.end();
    expect([exec, shell, forward].every((error) => error instanceof Error)).toBe(true);
  });
});

describe('transport (Terrapin)', () => {
  const negotiate = async (algorithms: ssh2.Algorithms) => {
    const client = new ssh2.Client();
    const sock = await openSocket(harness);
    return new Promise<{ outcome: string; cipher?: string; strict?: boolean }>((resolve) => {
      let cipher: string | undefined;
      client.on('handshake', (negotiated) => {
        cipher = negotiated.cs.cipher;
      });
      client.on('ready', () => {
        const strict = (client as unknown as { _protocol: { _strictMode?: boolean } })._protocol
          ._strictMode;
        client.end();
        resolve({ outcome: 'ready', ...(cipher ? { cipher } : {}), strict: strict === true });
      });
      client.on('error', (error: Error & { level?: string }) => {
        client.end();
        resolve({ outcome: error.level ?? 'error' });
      });
      client.on('close', () => resolve({ outcome: 'closed' }));
      client.connect({ sock, username: 'M1', privateKey: harness.keys.M1.privateKey, algorithms });
    });
  };

  it('negotiates strict KEX and an AEAD cipher with a modern client', async () => {
    harness = await startHarness();
    const result = await negotiate({});
    expect(result).toMatchObject({ outcome: 'ready', strict: true });
    expect(['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com']).toContain(result.cipher);
  });

  it('offers neither chacha20-poly1305 nor EtM MACs nor CBC', async () => {
    harness = await startHarness();
    expect((await negotiate({ cipher: ['chacha20-poly1305@openssh.com'] })).outcome).toBe(
      'handshake',
    );
    expect(
      (await negotiate({ cipher: ['aes128-ctr'], hmac: ['hmac-sha2-256-etm@openssh.com'] }))
        .outcome,
    ).toBe('handshake');
    expect((await negotiate({ cipher: ['aes256-cbc'] })).outcome).toBe('handshake');
    expect(await negotiate({ cipher: ['aes128-ctr'], hmac: ['hmac-sha2-256'] })).toMatchObject({
      outcome: 'ready',
      cipher: 'aes128-ctr',
    });
  });
});
