import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '@alliage/domain';
import type { Express } from 'express';

/** A listening API server. */
export interface ApiServer {
  /** Base URL to reach it, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  /** Stops accepting connections and resolves once open requests have ended. */
  close(): Promise<void>;
}

/** In-flight requests get this long to finish on close before their connections are cut. */
const CLOSE_GRACE_MS = 10_000;

function urlHost(host: string): string {
  // A wildcard address is not something to connect to: point at the loopback instead.
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Listens with `app` on `host:port` (`port: 0` picks a free port).
 *
 * @example
 * const server = await startApiServer(app, { host: '127.0.0.1', port: 0 });
 * await fetch(`${server.url}/healthz`);
 * await server.close();
 */
export function startApiServer(
  app: Express,
  options: { host: string; port: number },
): Promise<ApiServer> {
  const server = createServer(app);
  // `Expect: 100-continue` (curl sends it above 1 MB): the route asks for the body only
  // once the caller is authorised (createJsonBodyReader); a refusal is answered first.
  server.on('checkContinue', (req, res) => {
    app(req, res);
  });
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new AppError(
          'unavailable',
          `cannot listen on ${options.host}:${options.port} (${error.code ?? error.message})`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      const port = (server.address() as AddressInfo).port;
      let closing: Promise<void> | null = null;
      resolve({
        url: `http://${urlHost(options.host)}:${port}`,
        port,
        close: () => {
          closing ??= new Promise<void>((done, fail) => {
            const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
            force.unref();
            server.close((error) => {
              clearTimeout(force);
              if (error) fail(error);
              else done();
            });
            server.closeIdleConnections();
          });
          return closing;
        },
      });
    });
  });
}
