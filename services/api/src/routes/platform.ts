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

export const platformRoutes = [platformPgpKeyRoute];
