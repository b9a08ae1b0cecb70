import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ZOrgCode } from '@alliage/domain';
import type { AuthContext, Connection, ParsedKey, PublicKeyAuthContext } from 'ssh2';
import { type AccountCheck, createAccountCheck } from './create-account-check.ts';
import {
  createSessionTimer,
  type SessionExpiry,
  type SessionTimer,
} from './create-session-timer.ts';
import { errorCode } from './error-code.ts';
import { type AccountKeys, loadAccountKeys } from './load-account-keys.ts';
import { type VirtualAccount, visibleAreas } from './resolve-virtual-path.ts';
import { type SftpSessionHandle, serveSftpSession } from './serve-sftp-session.ts';
import type { ConnectionInfo, ServerContext } from './server-context.ts';
import { ACCOUNT_LOOKUP_TIMEOUT_MS, ACCOUNT_RECHECK_MS } from './sftp-session-limits.ts';

/** Rejected authentication requests tolerated per connection (OpenSSH's MaxAuthTries). */
const MAX_AUTH_ATTEMPTS = 6;
/** Time allowed from the SSH identification exchange to a login (OpenSSH's LoginGraceTime is 120 s). */
const LOGIN_GRACE_MS = 30_000;

/**
 * Drives one SSH connection: public-key authentication against the organisation's
 * registered keys, the ban list and the per-organisation session cap, then at most
 * one SFTP session. Shells, exec, forwarding and other subsystems are refused by
 * ssh2 because no listener exists for them.
 *
 * A connection counts as at most one failed login for the ban list: at its first
 * hard failure (a password or keyboard-interactive attempt, a bad signature, an
 * unknown organisation) or, when it only offered unregistered keys, when it closes.
 * Offering several keys before the right one is how OpenSSH clients work, not an attack.
 *
 * A login is not a licence for ever: the session re-checks the account as it goes
 * (see `serveSftpSession`) and is closed after `idleTimeoutMs` without a request or
 * `maxSessionMs` in all, so a suspension or a key revocation takes effect.
 *
 * @example
 * sshServer.on('connection', (client) => serveConnection(context, client, { connectionId, remoteAddress }));
 */
export function serveConnection(
  context: ServerContext,
  client: Connection,
  connection: ConnectionInfo,
): void {
  const { logger } = context;
  const { connectionId, remoteAddress } = connection;
  const accounts = new Map<string, Promise<AccountKeys | null>>();
  const reasons = new Set<string>();
  let virtualAccount: VirtualAccount | null = null;
  let closed = false;
  let attempts = 0;
  let failureRecorded = false;
  let sessionOpened = false;
  let sftpSession: SftpSessionHandle | null = null;
  let sessionTimer: SessionTimer | null = null;
  let accountCheck: AccountCheck | null = null;
  let lastUsername: string | null = null;
  /** The organisation a failed login claimed to be, once the username named a known one. */
  let claimedOrganisation: string | null = null;

  const graceTimer = setTimeout(() => {
    if (virtualAccount) return;
    reasons.add('login_timeout');
    client.end();
  }, LOGIN_GRACE_MS);
  graceTimer.unref();

  const recordFailure = async (): Promise<void> => {
    if (failureRecorded) return;
    failureRecorded = true;
    const banSeconds = context.bans.recordFailure(remoteAddress);
    await context.recordEvent({
      action: 'sftp.login_failed',
      organisationCode: claimedOrganisation,
      remoteAddress,
      details: { connectionId, username: lastUsername, attempts, reasons: [...reasons] },
    });
    if (banSeconds !== null) {
      logger.warn({ connectionId, banSeconds }, 'address banned after failed logins');
      await context.recordEvent({
        action: 'sftp.denied',
        organisationCode: null,
        remoteAddress,
        details: { connectionId, operation: 'connect', reason: 'address_banned', banSeconds },
      });
    }
  };

  const rejectAttempt = (ctx: AuthContext, reason: string, hard: boolean): void => {
    attempts += 1;
    reasons.add(reason);
    ctx.reject(['publickey']);
    if (hard || attempts >= MAX_AUTH_ATTEMPTS) void recordFailure();
    if (attempts >= MAX_AUTH_ATTEMPTS) client.end();
  };

  const loadAccount = (username: string): Promise<AccountKeys | null> => {
    let pending = accounts.get(username);
    if (!pending) {
      pending = loadAccountKeys(username, context.lookupAccount, logger);
      accounts.set(username, pending);
    }
    return pending;
  };

  const authenticatePublicKey = async (ctx: PublicKeyAuthContext): Promise<void> => {
    const found = await loadAccount(ctx.username);
    if (closed) return;
    if (found === null) return rejectAttempt(ctx, 'unknown_account', true);
    claimedOrganisation = found.account.organisationCode;
    const key = found.keys.find(
      (candidate) =>
        candidate.type === ctx.key.algo && candidate.getPublicSSH().equals(ctx.key.data),
    );
    if (!key) return rejectAttempt(ctx, 'unregistered_key', ctx.signature !== undefined);
    // Without a signature the client only asks whether this key would do (PK_OK).
    if (!ctx.signature || !ctx.blob) return ctx.accept();
    // SHA-1 RSA signatures (`ssh-rsa`) are refused, as OpenSSH ≥ 8.8 does.
    if (key.type === 'ssh-rsa' && !ctx.hashAlgo) return rejectAttempt(ctx, 'weak_signature', true);
    // ssh2 does not verify the signature for us, and `verify` returns an Error (truthy)
    // on malformed input: only a literal `true` proves possession of the private key.
    if (key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
      return rejectAttempt(ctx, 'bad_signature', true);
    }
    await admit(ctx, found, key);
  };

  const admit = async (ctx: AuthContext, found: AccountKeys, key: ParsedKey): Promise<void> => {
    const { organisationCode, kind, areas } = found.account;
    const keyType = key.type;
    // A ban may have started while this connection was authenticating.
    if (context.bans.secondsBanned(remoteAddress) > 0) {
      ctx.reject([]);
      client.end();
      return;
    }
    if (!context.sessions.tryAcquire(organisationCode)) {
      await context.recordEvent({
        action: 'sftp.denied',
        organisationCode,
        remoteAddress,
        details: { connectionId, operation: 'login', reason: 'session_limit' },
      });
      logger.info({ connectionId, organisationCode }, 'login refused: session limit');
      // Not a failed login for the ban list: the key was right.
      failureRecorded = true;
      ctx.reject([]);
      client.end();
      return;
    }
    const rootDirectory = join(context.storageRoot, organisationCode);
    let admitted = false;
    try {
      await Promise.all(
        visibleAreas(found.account).map((area) =>
          mkdir(join(rootDirectory, area), { recursive: true, mode: 0o750 }),
        ),
      );
      // The audit trail is not optional: no event, no login.
      admitted =
        !closed &&
        (await context.recordEvent({
          action: 'sftp.login',
          organisationCode,
          remoteAddress,
          details: { connectionId, kind, keyType },
        }));
    } catch (error) {
      logger.warn({ connectionId, organisationCode, err: errorCode(error) }, 'login setup failed');
    }
    if (!admitted || closed) {
      context.sessions.release(organisationCode);
      ctx.reject([]);
      return;
    }
    virtualAccount = { organisationCode, kind, ...(areas ? { areas } : {}), rootDirectory };
    clearTimeout(graceTimer);
    accountCheck = createAccountCheck({
      lookupAccount: context.lookupAccount,
      logger,
      account: {
        organisationCode,
        kind,
        areas: visibleAreas(found.account),
        keyType,
        publicKey: key.getPublicSSH(),
      },
      clock: context.clock,
      recentMs: ACCOUNT_RECHECK_MS,
      timeoutMs: ACCOUNT_LOOKUP_TIMEOUT_MS,
      schedule: context.schedule,
    });
    sessionTimer = createSessionTimer({
      idleMs: context.idleTimeoutMs,
      maxMs: context.maxSessionMs,
      onExpire: (reason) => expireSession(organisationCode, reason),
    });
    logger.info({ connectionId, organisationCode }, 'sftp login');
    ctx.accept();
  };

  /** Closes a logged-in connection on the server's initiative; open uploads are discarded. */
  const endSession = (reason: string): void => {
    if (closed) return;
    logger.info(
      { connectionId, organisationCode: virtualAccount?.organisationCode ?? null, reason },
      'sftp session closed by the server',
    );
    sessionTimer?.stop();
    sftpSession?.end();
    client.end();
  };

  /**
   * Closes a session its timer expired, and audits it (`sftp.session_expired`) with
   * ids and counts only: the connection id ties it to the `sftp.login` event.
   */
  const expireSession = (organisationCode: string, reason: SessionExpiry): void => {
    if (closed) return;
    const uploadsDiscarded = sftpSession?.end() ?? 0;
    const limitMs = reason === 'idle' ? context.idleTimeoutMs : context.maxSessionMs;
    const recording = context.recordEvent({
      action: 'sftp.session_expired',
      organisationCode,
      remoteAddress,
      details: { connectionId, reason, limitSeconds: limitMs / 1000, uploadsDiscarded },
    });
    // `close()` of the server waits for it, as for uploads being discarded.
    context.pendingCleanups.add(recording);
    void recording.finally(() => context.pendingCleanups.delete(recording));
    endSession(reason);
  };

  client.on('error', (error: Error & { level?: string }) => {
    logger.info({ connectionId, level: error.level ?? null }, 'ssh connection error');
  });

  client.on('authentication', (ctx) => {
    // Only organisation-shaped usernames go into events; anything else may be a person's name.
    lastUsername = ZOrgCode.safeParse(ctx.username).success ? ctx.username : null;
    if (ctx.method === 'none') return ctx.reject(['publickey']);
    if (ctx.method !== 'publickey') return rejectAttempt(ctx, `method_${ctx.method}`, true);
    authenticatePublicKey(ctx).catch((error: unknown) => {
      // The control plane failing is not the client's fault: refuse without counting.
      logger.warn({ connectionId, err: errorCode(error) }, 'authentication lookup failed');
      ctx.reject(['publickey']);
    });
  });

  client.on('session', (accept, reject) => {
    // One SFTP session per connection, so the per-organisation cap counts streams.
    if (!virtualAccount || !accountCheck || !sessionTimer || sessionOpened) return reject();
    sessionOpened = true;
    const account = virtualAccount;
    const hooks = {
      account: accountCheck,
      onRequest: sessionTimer.touch,
      endSession,
    };
    // Opening the session and its subsystem is activity too, however slow the client.
    sessionTimer.touch();
    const session = accept();
    session.on('sftp', (acceptSftp) => {
      if (sftpSession) return;
      hooks.onRequest();
      sftpSession = serveSftpSession(context, connection, account, acceptSftp(), hooks);
    });
  });

  client.on('close', () => {
    closed = true;
    clearTimeout(graceTimer);
    sessionTimer?.stop();
    // Belt and braces: ssh2 closes the SFTP channel too, but a dropped socket must
    // discard open uploads whatever order the events come in.
    sftpSession?.end();
    if (virtualAccount) {
      context.sessions.release(virtualAccount.organisationCode);
      logger.info(
        { connectionId, organisationCode: virtualAccount.organisationCode },
        'sftp logout',
      );
    } else if (attempts > 0 || reasons.has('login_timeout')) {
      void recordFailure();
    }
  });
}
