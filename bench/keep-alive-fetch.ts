import { Agent, request } from 'node:http';

/**
 * A `fetch` for the load generator's Streamable HTTP clients: node:http with a keep-alive agent,
 * answering with a buffered Response. On this 2-core machine the built-in fetch (undici) costs
 * the load generator more CPU per call than the server spends answering it, and every cycle the
 * generator burns is taken from the server under test. Plain http:// only; no redirects.
 */

export interface KeepAliveFetch {
  readonly fetch: typeof fetch;
  close(): void;
}

/**
 * What the SDK's Streamable HTTP client reads of a JSON answer (status, headers, json/text) without
 * building a web stream for the body; anything else (an event stream, an empty body) is a real Response.
 */
function answer(status: number, headers: Headers, body: Buffer): Response {
  if (status === 204 || status === 202 || !headers.get('content-type')?.startsWith('application/json')) {
    return new Response(status === 204 || status === 202 ? null : body, { status, headers });
  }
  const text = body.toString('utf8');
  const lean = { ok: status >= 200 && status < 300, status, statusText: '', headers, body: null, url: '', redirected: false, text: async () => text, json: async () => JSON.parse(text) as unknown };
  return lean as unknown as Response;
}

export function keepAliveFetch(maxSockets: number): KeepAliveFetch {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const fetchLike = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const signal = init.signal ?? undefined;
      const onAbort = () => req.destroy(new Error('aborted'));
      const req = request({ agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: init.method ?? 'GET', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const status = res.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
          resolve(answer(status, responseHeaders, Buffer.concat(chunks)));
        });
      });
      req.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
  };
  return { fetch: fetchLike as typeof fetch, close: () => agent.destroy() };
}
