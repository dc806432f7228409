# syntax=docker/dockerfile:1
#
# Lotse container image. One image for every process; the command selects it:
#   serve (default) | gateway | worker | subgraph NAME | migrate | seed --demo | token --partner SLUG
# The image expects an external PostgreSQL (DATABASE_URL) and Redis (REDIS_URL).
# It sets no LOTSE_ENV: pass LOTSE_ENV=production and the production settings at run time
# (see docs/operations.md).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: all dependencies, compile TypeScript to dist/ ---------------------------------
# The TypeScript build needs no dependency install scripts, so none run here either.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
RUN npm run build

# --- deps: production dependencies only ----------------------------------------------------
# --ignore-scripts: no dependency install scripts in the runtime image. The one that matters in
# development (the embedded PostgreSQL binaries) is not needed here: DATABASE_URL is always set.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# The demo city's configuration: npm start / serve and `seed --demo` load it (lotse apply's format).
COPY examples/rheine ./examples/rheine
# Data directory (development signing key, generated internal secret); writable by the
# unprivileged user. Mount a volume here to keep it across container restarts.
RUN mkdir -p /data/lotse && chown node:node /data/lotse
ENV LOTSE_DATA_DIR=/data/lotse
# The image's user `node` by its uid: Kubernetes can check runAsNonRoot only against a number.
USER 1000:1000
# 4000 gateway (serve, gateway), 9464 worker (WORKER_PORT), 4001-4004 `subgraph NAME`.
EXPOSE 4000 9464 4001-4004
# Liveness of the gateway (serve/gateway commands). `worker` serves /healthz on WORKER_PORT
# (9464; docker-compose.yml checks that); disable the check for `migrate`.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/lotse.js"]
CMD ["serve"]
