import type { App } from '../app.js';
import { Authenticator } from '../auth/authenticate.js';
import type { OidcOptions } from '../auth/oidc.js';
import { type HttpServerHandle, startHttpServer } from './http.js';
import { metricsRoute, readMetricsToken } from './metrics-endpoint.js';

/**
 * `serve --http`: authentication from config, the HTTP server with GET /metrics, and SIGHUP
 * re-reading the tokens file. Resolves once listening; the handle stops accepting and closes (see shutdown in main.ts).
 */
export async function serveHttp(app: App, oidcOptions?: OidcOptions): Promise<HttpServerHandle> {
  const { config, log } = app;
  const auth = await Authenticator.create(config, log, oidcOptions);
  const metricsToken = config.metricsTokenFile ? await readMetricsToken(config.metricsTokenFile) : undefined;
  const handle = await startHttpServer(app, auth);
  handle.addRoute(metricsRoute(app.metrics, metricsToken));
  const reload = () => void auth.reloadTokens();
  process.on('SIGHUP', reload);

  if (config.http.insecureNoAuth) {
    const who = `${config.principal} (${config.role}${config.readOnly ? ', read-only' : ''})`;
    const warning = `AUTHENTICATION IS OFF (--insecure-no-auth): anyone who can reach ${handle.url} acts as ${who}.`;
    log.warn({ url: handle.url }, warning);
    process.stderr.write(`\n*** ${warning} ***\n\n`);
  }
  log.info(
    {
      url: `${handle.url}/mcp`,
      tokens: Boolean(config.auth.tokensFile),
      oidc: config.auth.oidc?.issuer,
      allowedHosts: config.http.allowedHosts,
      rateLimit: config.http.rateLimitPerSecond > 0 ? `${config.http.rateLimitPerSecond}/s, burst ${config.http.rateLimitBurst}` : 'off',
    },
    'serving MCP over Streamable HTTP',
  );
  return {
    ...handle,
    close: async () => {
      process.off('SIGHUP', reload);
      await handle.close();
    },
  };
}
