/**
 * Calls the platform's HTTP API with a bearer token and answers the parsed JSON; a
 * non-2xx answer throws with the method, path, status and problem code/title.
 *
 * @example
 * const stats = await callApi({ url: serve.url, token, method: 'GET', path: '/v1/pool/stats' });
 */
export async function callApi<T = unknown>(options: {
  url: string;
  token: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
}): Promise<T> {
  const response = await fetch(`${options.url}${options.path}`, {
    method: options.method,
    headers: {
      authorization: `Bearer ${options.token}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  if (!response.ok) {
    let problem = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { code?: string; title?: string; detail?: string };
      problem = [parsed.code, parsed.title, parsed.detail].filter(Boolean).join(': ');
    } catch {
      // Not problem+json (a proxy or a crash page): the start of the body says enough.
    }
    throw new Error(`${options.method} ${options.path} answered ${response.status} (${problem})`);
  }
  return (text === '' ? null : JSON.parse(text)) as T;
}
