# syntax=docker/dockerfile:1
# One image for every jiesu process: the API (default CMD), the Temporal workers
# (`node dist/worker/main.js`) and the one-shot admin CLI (`node dist/scripts/cli.js ...`).
# docker-compose.yml picks the process per service by overriding the command.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so editing source does not throw away the cached dependency layer.
COPY package.json package-lock.json ./
# The image's npm 10 ignores package.json's `allowScripts` and runs install scripts (esbuild,
# @swc/core, protobufjs check or place their native parts there), which is what the build needs.
# npm 10 also accepts the lock file's Linux-only set of optional platform packages.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
# Compile to plain JavaScript so production does not need tsx at run time; then drop dev dependencies.
# @swc/core and webpack stay: @temporalio/worker depends on them to bundle dist/workflows at start.
# The web console (/console, /public) is built to static files here too; Vite is a dev dependency.
RUN npx tsc -p tsconfig.json \
 && node node_modules/vite/bin/vite.js build --config console/vite.config.ts \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# Files stay owned by root and are only read by the app: a compromised process cannot rewrite its own code.
# Nothing is written at run time (the worker bundles workflows in memory).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]
