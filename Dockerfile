# One image for the three apps (API, worker, delivery); docker-compose picks the entrypoint.
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
# npm ci's postinstall applies these (patch-package): see patches/README.md.
COPY patches ./patches
COPY packages ./packages
COPY apps ./apps
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:24.21.0-bookworm-slim
# jemalloc for the worker (apps/worker/bin/start.sh preloads it): glibc's arenas fragment under libvips.
# ffmpeg (Debian's, with ffprobe): packages/media reads, posters and transcodes videos with it.
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 ffmpeg && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
USER node
CMD ["node", "apps/api/dist/main.js"]
