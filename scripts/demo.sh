#!/usr/bin/env bash
# `npm run demo`: the whole pipeline on this machine, end to end. Brings up the services, builds,
# migrates, sets up the buckets, starts the API and one worker, uploads the sample images, an iPhone
# HEIC, a short video and a short podcast (both made with ffmpeg's test sources) the way a platform would with
# @darkroom/client (presigned PUT / multipart straight to the bucket), waits for processing, prints
# every variant's CDN URL (the video's poster variants, its 720p rendition, its stream's master playlist
# (fetched first: the demo fails unless it answers a playlist) and storyboard; the podcast's
# normalised rendition, waveform and cover art, and its loudness) and the upload page's
# URL with a fresh upload token. Malware scanning is on: one sample, a JPEG carrying the EICAR test
# string, is printed rejected with its finding (the demo fails unless it is). It also starts the
# delivery server and prints one photo's delivery
# URL (fetched first: the demo fails unless it answers an image) and srcset, and one photo uploaded
# private: its private URL (fetched first: it must answer the image) and its public URL (it must
# answer 404). Run from a terminal, it
# keeps the API, worker and delivery server up for that page until Ctrl-C (DEMO_KEEP_RUNNING=0: stops
# them when done, as it does when not run from a terminal).
set -euo pipefail
. "$(dirname "$0")/supported-node.sh"
cd "$(dirname "$0")/.."

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/darkroom}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export S3_ENDPOINT=${S3_ENDPOINT:-http://127.0.0.1:7480}
export S3_REGION=${S3_REGION:-us-east-1}
export S3_BUCKET=${S3_BUCKET:-darkroom-originals}
export S3_PUBLIC_BUCKET=${S3_PUBLIC_BUCKET:-darkroom-variants}
export S3_ACCESS_KEY_ID=${S3_ACCESS_KEY_ID:-darkroom}
export S3_SECRET_ACCESS_KEY=${S3_SECRET_ACCESS_KEY:-darkroom-secret}
export ADMIN_TOKEN=${ADMIN_TOKEN:-demo-admin-token-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')}
export WEBHOOK_SECRET_KEY=${WEBHOOK_SECRET_KEY:-demo-webhook-key-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
export PORT=${DEMO_PORT:-3917}
# The upload page is served by the API itself; the browser PUTs from there to the bucket.
export CORS_ORIGINS=${CORS_ORIGINS:-http://127.0.0.1:$PORT}
# Images on request: the API writes DELIVERY_BASE_URL into each asset's delivery URLs.
export DELIVERY_PORT=${DEMO_DELIVERY_PORT:-3918}
export DELIVERY_BASE_URL=${DELIVERY_BASE_URL:-http://127.0.0.1:$DELIVERY_PORT}
export LOG_LEVEL=${LOG_LEVEL:-warn}
# Malware scanning on: the worker streams every original into the clamd scripts/services-up.sh
# starts (its tiny signature set, scripts/clamd.sh), and a match is rejected.
export CLAMD_HOST=${CLAMD_HOST:-127.0.0.1:3310}
export MODERATION_MALWARE=${MODERATION_MALWARE:-reject}
logs=${DEMO_LOG_DIR:-/tmp/darkroom-demo}
mkdir -p "$logs"

bash scripts/services-up.sh
npm run build --silent
npm run db:migrate --silent
npm run storage:setup --silent

node apps/api/dist/main.js >"$logs/api.log" 2>&1 &
api=$!
sh apps/worker/bin/start.sh >"$logs/worker.log" 2>&1 &
worker=$!
node apps/delivery/dist/main.js >"$logs/delivery.log" 2>&1 &
delivery=$!
trap 'kill -TERM $api $worker $delivery 2>/dev/null; wait $api $worker $delivery 2>/dev/null || true' EXIT

# Waits for a started app's health URL, or fails showing the end of its log: at once when the app
# has exited, after 90 s when it has not answered (a first start on a new machine reads every module
# from a cold disk cache).
await_app() { # name url log pid
  for _ in $(seq 1 450); do
    curl -fs -o /dev/null "$2" && return 0
    kill -0 "$4" 2>/dev/null || break
    sleep 0.2
  done
  curl -fs -o /dev/null "$2" || { echo "$1 did not become ready; see $3" >&2; tail -n 20 "$3" >&2; exit 1; }
}
await_app API "http://127.0.0.1:$PORT/readyz" "$logs/api.log" $api
await_app "The delivery server" "http://127.0.0.1:$DELIVERY_PORT/healthz" "$logs/delivery.log" $delivery

# A short video and a short podcast, made here rather than kept in the repository.
bash scripts/demo-samples.sh "$logs"
clip="$logs/demo-clip.mp4"
podcast="$logs/demo-podcast.mp3"
# A "photo" that carries the EICAR test string after its JPEG end marker: the scan rejects it. The
# string is written in two parts, so this script is no match itself.
eicar="$logs/demo-eicar.jpg"
{ cat fixtures/images/320x240.jpg; printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD' '-ANTIVIRUS-TEST-FILE!$H+H*'; } >"$eicar"

node scripts/demo-upload.mjs "http://127.0.0.1:$PORT" \
  fixtures/images/DSCN0010.jpg fixtures/images/Landscape_6.jpg fixtures/images/HMD_Nokia_8.3_5G.jpg \
  fixtures/images/Channel_digital_image_CMYK_color.jpg fixtures/images/animated-loop-3.gif \
  fixtures/images/Flag_of_the_Netherlands-alpha.png fixtures/images/iphone_13_pro_max.HEIC fixtures/images/truncated.jpg "$clip" "$podcast" "$eicar"

if [ -t 0 ] && [ "${DEMO_KEEP_RUNNING:-1}" != 0 ]; then
  echo "The API, worker and delivery server keep running for the upload page; Ctrl-C stops them."
  wait $api
fi
