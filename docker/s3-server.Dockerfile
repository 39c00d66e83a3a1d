# Darkroom's S3 server for docker-compose.yml: Ceph's RADOS Gateway from Debian bookworm's packages
# (Ceph 16.2), run by scripts/s3-server.sh in its persistent mode (BlueStore on a file in the
# volume), the same script and settings that test/serial/s3-server-disk.test.ts runs natively.
# The base is the app image's (already pulled; Debian bookworm underneath), pinned by version.
FROM node:24.21.0-bookworm-slim
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw curl procps \
  && rm -rf /var/lib/apt/lists/*
COPY scripts/s3-server.sh /usr/local/bin/darkroom-s3-server
# The S3 user's key comes from S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY at run time (never baked in).
ENV S3_SERVER_STORE=disk \
    S3_SERVER_DIR=/var/lib/darkroom-s3 \
    S3_SERVER_HOST=0.0.0.0 \
    S3_SERVER_PORT=7480
VOLUME /var/lib/darkroom-s3
EXPOSE 7480
# A first start makes the cluster (tens of seconds); later starts reuse the volume's data.
HEALTHCHECK --interval=5s --timeout=5s --start-period=120s --retries=6 CMD ["darkroom-s3-server", "status"]
# In the foreground; SIGTERM (docker stop) stops gateway, OSD and mon cleanly.
CMD ["darkroom-s3-server", "run"]
