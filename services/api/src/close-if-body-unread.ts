import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Marks the answer `Connection: close` when the request's body has not fully arrived:
 * the API answers without reading it (a refusal, a route that takes no body), and
 * keeping the connection would mean reading the rest — megabytes, maybe, from a
 * caller that was just refused. Node closes the socket once the answer is sent.
 *
 * @example
 * closeIfBodyUnread(req, res);
 * res.status(401).send(problem);
 */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
}
