# One image for every app; docker-compose picks the entrypoint (the delivery server also has a
# target of its own, `--target delivery`, for platforms that run an image as built).
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
# npm ci's postinstall applies these (patch-package): see patches/README.md.
COPY patches ./patches
COPY packages ./packages
COPY apps ./apps
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:24.21.0-bookworm-slim AS app
# jemalloc for the worker (apps/worker/bin/start.sh preloads it): glibc's arenas fragment under libvips.
# ffmpeg (Debian's, with ffprobe): packages/media reads, posters and transcodes videos with it.
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 ffmpeg && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
USER node
CMD ["node", "apps/api/dist/main.js"]

# The delivery server (apps/delivery), on DELIVERY_PORT, with jemalloc as the worker (bin/start.sh).
FROM app AS delivery
EXPOSE 3400
CMD ["sh", "apps/delivery/bin/start.sh"]

# Without --target: the API's image, as before.
FROM app
