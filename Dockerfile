# cancel-desk as a container: `docker build -t cancel-desk .` (or `podman build --format docker`,
# `buildah bud --format docker`: the OCI format has no HEALTHCHECK). Settings come from the
# environment (compose.yaml reads .env into it); the queue, vault and local mail folders live in
# the volume /app/data — back it up with `cancel-desk backup`, and keep the vault key apart.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile better-sqlite3 from source and the TypeScript to dist/ ---------------------
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# node-gyp takes the Node headers from the image's own Node (installed under /usr/local) instead
# of downloading them; this overrides the nodedir=/usr in .npmrc, which is right for Debian's Node.
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# No scripts yet: `prepare` would compile sources that are not copied in yet.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json && npm prune --omit=dev

# --- run: no compiler, no sources, not root ----------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    DATA_DIR=/app/data \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=8080
RUN groupadd --system cancel-desk \
 && useradd --system --gid cancel-desk --home-dir /app --shell /usr/sbin/nologin cancel-desk
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY templates ./templates
# Created and owned before VOLUME, so that a fresh named volume starts out writable by the user.
RUN mkdir -p /app/data && chown cancel-desk:cancel-desk /app/data
VOLUME ["/app/data"]
USER cancel-desk
EXPOSE 8080
# /healthz: intake succeeded recently, the database takes writes and sending is not paused.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WEB_PORT || 8080) + '/healthz').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: the message in hand is finished, then the daemon exits (src/daemon.ts).
STOPSIGNAL SIGTERM
CMD ["node", "dist/cli.js", "run"]
