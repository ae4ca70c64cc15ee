# hansard-watch: the web app (`start`) or a queue worker (`npm run worker`), on Node 22 LTS.
# Build: docker build -t hansard-watch .   Run: see docker-compose.yml and docs/operations.md.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# Dependencies first, from the lock file only, so that a source change reuses this layer.
# --ignore-scripts: the package's own `prepare` (the build) needs the source, copied below.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
# The dependencies' install scripts, skipped above; then compile, then drop dev dependencies.
RUN npm rebuild && npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    HW_DATA_DIR=/data
WORKDIR /app
# Only what runs: compiled code, production dependencies, migrations, the tag model and the
# site's assets (read from src/web/assets at start-up).
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/tags ./tags
COPY --from=build /app/src/web/assets ./src/web/assets
COPY --from=build /app/src/store/pglite-template ./src/store/pglite-template
# The embedded store, generated secrets and the mail outbox live in HW_DATA_DIR.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# Liveness of the web app; worker containers override it (docker-compose.yml).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "bin/hansard-watch.js", "start"]
