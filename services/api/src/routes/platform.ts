import { inspectSshPublicKey } from '@alliage/crypto';
import { AppError } from '@alliage/domain';
import { z } from 'zod';
import { definePublicRoute, textReply } from '../api-route.ts';

export const ZPlatformKeyQuery = z.object({ format: z.enum(['text', 'json']).optional() }).strict();
export type TPlatformKeyQuery = z.infer<typeof ZPlatformKeyQuery>;

/**
 * `GET /v1/platform/pgp-key`: the platform's armoured public key, the one members
 * encrypt their files to and anyone checks checkpoints and deliveries with.
 */
export const platformPgpKeyRoute = definePublicRoute({
  operationId: 'getPlatformPgpKey',
  method: 'get',
  path: '/v1/platform/pgp-key',
  summary: "The platform's PGP public key (text, or JSON with ?format=json)",
  tag: 'platform',
  query: ZPlatformKeyQuery,
  produces: ['text/plain', 'application/json'],
  handler: async ({ deps, query }) => {
    const { armoredPublicKey, fingerprint } = deps.platformKey;
    const headers = { 'X-Alliage-Fingerprint': fingerprint };
    if (query.format === 'json')
      return textReply(
        JSON.stringify({ fingerprint, armoredPublicKey }),
        'application/json',
        headers,
      );
    return textReply(armoredPublicKey, 'text/plain; charset=utf-8', headers);
  },
});

/**
 * `GET /v1/platform/ssh-key`: the public half of the SSH key the platform logs in
 * with to members' own servers (pull mode); members add it to their authorised keys.
 */
export const platformSshKeyRoute = definePublicRoute({
  operationId: 'getPlatformSshKey',
  method: 'get',
  path: '/v1/platform/ssh-key',
  summary: "The platform's SSH client public key for pull mode (text, or JSON with ?format=json)",
  tag: 'platform',
  failures: ['not_configured'],
  query: ZPlatformKeyQuery,
  produces: ['text/plain', 'application/json'],
  handler: async ({ deps, query }) => {
    if (!deps.sshClientPublicKey) {
      throw new AppError('unavailable', 'this API process has no SSH client key');
    }
    const { fingerprint, openssh } = inspectSshPublicKey(deps.sshClientPublicKey);
    const headers = { 'X-Alliage-Fingerprint': fingerprint };
    if (query.format === 'json')
      return textReply(
        JSON.stringify({ fingerprint, publicKey: openssh }),
        'application/json',
        headers,
      );
    return textReply(`${openssh}\n`, 'text/plain; charset=utf-8', headers);
  },
});

export const platformRoutes = [platformPgpKeyRoute, platformSshKeyRoute];
