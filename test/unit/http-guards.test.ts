import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ALL_PARTS } from '../../src/server.js';
import { acceptsBothResponseKinds, mediaType, rebindingRefusal } from '../../src/transports/http-guards.js';
import { directToolCall } from '../../src/transports/direct-tool-call.js';
import { partsFor } from '../../src/transports/mcp-endpoint.js';
import { RateLimiter } from '../../src/transports/rate-limit.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const loopback = { allowedHosts: ['localhost', '127.0.0.1', '[::1]'], allowedOrigins: undefined };

describe('DNS rebinding protection', () => {
  it('accepts allowed host names on any port and refuses the rest', () => {
    expect(rebindingRefusal(req({ host: '127.0.0.1:3000' }), loopback)).toBeUndefined();
    expect(rebindingRefusal(req({ host: 'LOCALHOST' }), loopback)).toBeUndefined();
    expect(rebindingRefusal(req({ host: '[::1]:8080' }), loopback)).toBeUndefined();
    expect(rebindingRefusal(req({ host: 'attacker.example' }), loopback)).toBe('Host not allowed: attacker.example');
    expect(rebindingRefusal(req({ host: 'localhost.attacker.example' }), loopback)).toMatch(/^Host not allowed/);
    expect(rebindingRefusal(req({}), loopback)).toBe('Host not allowed: (none)');
  });

  it('checks a browser Origin against the allowed hosts, or an explicit list', () => {
    expect(rebindingRefusal(req({ host: 'localhost:3000', origin: 'http://localhost:5173' }), loopback)).toBeUndefined();
    expect(rebindingRefusal(req({ host: 'localhost:3000', origin: 'https://evil.example' }), loopback)).toBe('Origin not allowed: https://evil.example');
    expect(rebindingRefusal(req({ host: 'localhost:3000', origin: 'null' }), loopback)).toBe('Origin not allowed: null');
    const strict = { ...loopback, allowedOrigins: ['https://app.example.com'] };
    expect(rebindingRefusal(req({ host: 'localhost', origin: 'https://app.example.com' }), strict)).toBeUndefined();
    expect(rebindingRefusal(req({ host: 'localhost', origin: 'http://localhost:5173' }), strict)).toMatch(/^Origin not allowed/);
  });
});

describe('media types', () => {
  it('parses Content-Type and Accept by media type, never by substring', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType('text/plain; a=application/json')).toBe('text/plain');
    expect(acceptsBothResponseKinds('application/json, text/event-stream')).toBe(true);
    expect(acceptsBothResponseKinds('text/event-stream;q=0.9, application/json')).toBe(true);
    expect(acceptsBothResponseKinds('application/json')).toBe(false);
    expect(acceptsBothResponseKinds('application/jsonx, text/event-streamy')).toBe(false);
    expect(acceptsBothResponseKinds(undefined)).toBe(false);
  });
});

describe('per-principal token bucket', () => {
  it('lets a burst through, then one request per refill interval, each principal on its own', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('b').ok).toBe(true);
    now = 500;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    now = 60_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
    expect(new RateLimiter(0, 1).take('a').ok).toBe(true);
  });

  it('asks a slow-refilling client to wait long enough', () => {
    const limiter = new RateLimiter(0.1, 1, () => 0);
    limiter.take('a');
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 10 });
  });
});

describe('server parts per request', () => {
  it('builds only what the request\u2019s methods use; initialize gets everything', () => {
    const msg = (method: string, params: Record<string, unknown> = {}, id: number | undefined = 1) => ({ jsonrpc: '2.0', id, method, params });
    expect(partsFor(msg('initialize'))).toBe(ALL_PARTS);
    expect(partsFor(msg('tools/call', { name: 'get_order' }))).toEqual({ tools: ['get_order'], resources: false, prompts: false });
    expect(partsFor([msg('tools/call', { name: 'a' }), msg('tools/call', { name: 'b' }, 2)])).toEqual({ tools: ['a', 'b'], resources: false, prompts: false });
    expect(partsFor(msg('tools/list'))).toEqual({ tools: 'all', resources: false, prompts: false });
    expect(partsFor(msg('tools/call', {}))).toEqual({ tools: [''], resources: false, prompts: false });
    expect(partsFor(msg('resources/read'))).toEqual({ resources: true, prompts: false });
    expect(partsFor(msg('completion/complete'))).toEqual({ resources: true, prompts: true });
    expect(partsFor([msg('notifications/initialized', {}, undefined), msg('ping')])).toEqual({ resources: false, prompts: false });
    expect(partsFor('garbage')).toEqual({ resources: false, prompts: false });
  });
});

describe('which requests are answered without an SDK server', () => {
  const call = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_customer', arguments: { id: 'c' } } };
  it('a single tools/call with a JSON answer; a batch, a progress token, a task or another method goes through the SDK', () => {
    expect(directToolCall(call)).toBe(call);
    expect(directToolCall({ ...call, id: 'a' })).toBeDefined();
    expect(directToolCall([call])).toBeUndefined();
    expect(directToolCall({ ...call, params: { ...call.params, _meta: { progressToken: 1 } } })).toBeUndefined();
    expect(directToolCall({ ...call, params: { ...call.params, task: { ttl: 1000 } } })).toBeUndefined();
    expect(directToolCall({ ...call, method: 'tools/list' })).toBeUndefined();
    expect(directToolCall({ jsonrpc: '2.0', method: 'tools/call', params: call.params })).toBeUndefined();
  });
});
