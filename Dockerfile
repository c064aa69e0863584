# supportdesk-mcp server image: MCP over Streamable HTTP on port 3000, for a PostgreSQL named by
# DATABASE_URL (no embedded PostgreSQL in the image).
#   docker build -t supportdesk-mcp .
#   docker run -e DATABASE_URL=... -e SUPPORTDESK_TOKENS_FILE=/run/secrets/tokens -v ./tokens.txt:/run/secrets/tokens:ro -p 127.0.0.1:3000:3000 supportdesk-mcp
# NODE_IMAGE is any Debian-based image with Node.js 20.19+ and npm (default: the official Node image).
ARG NODE_IMAGE=node:22-bookworm-slim
# Extra CA certificates (PEM text) for npm to trust during the build only, on networks that intercept TLS:
#   --build-arg BUILD_CA_CERTS="$(cat /usr/local/share/ca-certificates/*.crt)". Public certificates, no secret.
ARG BUILD_CA_CERTS=""

FROM ${NODE_IMAGE} AS build
ARG BUILD_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN if [ -n "$BUILD_CA_CERTS" ]; then printf '%s\n' "$BUILD_CA_CERTS" > /tmp/build-ca.pem; export NODE_EXTRA_CA_CERTS=/tmp/build-ca.pem; fi \
 && npm ci --ignore-scripts --no-audit --no-fund \
 && rm -f /tmp/build-ca.pem
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-server.mjs scripts/chmod-bin.mjs scripts/
COPY src src
COPY seed seed
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ARG BUILD_CA_CERTS
ENV NODE_ENV=production \
    SUPPORTDESK_HTTP_HOST=0.0.0.0 \
    SUPPORTDESK_HTTP_PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, without the optional embedded-postgres binaries (the image always
# uses DATABASE_URL) and without type declarations, source maps and OpenTelemetry's ES-module builds,
# which Node never loads here.
RUN if [ -n "$BUILD_CA_CERTS" ]; then printf '%s\n' "$BUILD_CA_CERTS" > /tmp/build-ca.pem; export NODE_EXTRA_CA_CERTS=/tmp/build-ca.pem; fi \
 && npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && find node_modules \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -type f -delete \
 && rm -rf node_modules/@opentelemetry/*/build/esm node_modules/@opentelemetry/*/build/esnext \
 && rm -rf /root/.npm /tmp/*
# The server bundle (scripts/build-server.mjs) is all of the build the server runs.
COPY --from=build /app/dist/src/main.js /app/dist/src/main.js.map dist/src/
COPY --from=build /app/dist/src/chunks dist/src/chunks
COPY migrations migrations
COPY LICENSE ./
# An unprivileged user by number, so the image runs non-root on any base and under runAsNonRoot.
USER 10001:10001
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SUPPORTDESK_HTTP_PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["serve", "--http"]
