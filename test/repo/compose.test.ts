import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dockerfileEnv, dockerfileFroms, dockerfileStages, isPinnedImage, repoFile } from '../support/docker.js';

/**
 * No Docker engine runs here, so the deployment defaults of docker-compose.yml are checked by
 * reading it: no known secret, nothing published beyond loopback, every image pinned to a release
 * that exists today. test/serial/s3-server-disk.test.ts runs its S3 server natively.
 */
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const text = repoFile('docker-compose.yml');
const compose = parse(text) as { 'x-darkroom-env': Record<string, string>; services: Record<string, Service>; volumes: Record<string, unknown> };
/** The Dockerfile a `build:` names, relative to the repository (where docker-compose.yml is). */
const dockerfileOf = (build: NonNullable<Service['build']>) =>
  typeof build === 'string' ? `${build}/Dockerfile` : `${build.context ?? '.'}/${build.dockerfile ?? 'Dockerfile'}`;
/** `${NAME:?message}`: compose refuses to start while NAME is unset or empty. */
const requiredVar = (name: string) => new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`);

describe('docker-compose.yml', () => {
  it('requires ADMIN_TOKEN, WEBHOOK_SECRET_KEY and the storage and database secrets from the environment', () => {
    const env = compose['x-darkroom-env'];
    expect(env.ADMIN_TOKEN).toMatch(requiredVar('ADMIN_TOKEN'));
    expect(env.WEBHOOK_SECRET_KEY).toMatch(requiredVar('WEBHOOK_SECRET_KEY'));
    expect(env.S3_ACCESS_KEY_ID).toMatch(requiredVar('S3_ACCESS_KEY_ID'));
    expect(env.S3_SECRET_ACCESS_KEY).toMatch(requiredVar('S3_SECRET_ACCESS_KEY'));
    expect(env.DATABASE_URL).toContain('${POSTGRES_PASSWORD:?');
    const s3 = compose.services.s3!.environment!;
    expect(s3.S3_ACCESS_KEY_ID).toMatch(requiredVar('S3_ACCESS_KEY_ID'));
    expect(s3.S3_SECRET_ACCESS_KEY).toMatch(requiredVar('S3_SECRET_ACCESS_KEY'));
    expect(compose.services.postgres!.environment!.POSTGRES_PASSWORD).toMatch(requiredVar('POSTGRES_PASSWORD'));
  });

  it('writes down no secret and no placeholder for one', () => {
    for (const known of ['darkroom-secret', 'change-me', 'POSTGRES_PASSWORD: postgres', 'minioadmin']) expect(text).not.toContain(known);
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const ports = Object.values(compose.services).flatMap((service) => service.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });
});

describe('isPinnedImage', () => {
  it('takes exact versions, dated builds and digests', () => {
    for (const image of [
      'postgres:16.10',
      'redis:7.4.6',
      'node:24.21.0-bookworm-slim',
      'debian:bookworm-20251117-slim',
      `redis@sha256:${'a'.repeat(64)}`,
    ]) {
      expect(isPinnedImage(image), image).toBe(true);
    }
  });

  it('refuses no tag, latest and bare majors', () => {
    for (const image of [
      'minio/minio',
      'postgres',
      'redis:latest',
      'redis:7',
      'node:24-bookworm-slim',
      'debian:bookworm-slim',
      'localhost:5000/app',
    ]) {
      expect(isPinnedImage(image), image).toBe(false);
    }
  });
});

describe('docker-compose.yml images', () => {
  const services = Object.entries(compose.services);

  it('pins every pulled image by exact version, and pulls nothing from minio/minio', () => {
    const images = services.flatMap(([, service]) => (service.image ? [service.image] : []));
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      expect(isPinnedImage(image), image).toBe(true);
      expect(image).not.toMatch(/^(docker\.io\/)?minio\//);
    }
    expect(text).not.toContain('minio/minio');
  });

  it('builds every other service from a Dockerfile whose FROM lines are pinned the same way', () => {
    const built = services.filter(([, service]) => !service.image);
    expect(built.map(([name]) => name).sort()).toEqual(['api', 'delivery', 's3', 'setup', 'worker']);
    for (const [name, service] of built) {
      expect(service.build, name).toBeDefined();
      const { images, stages } = dockerfileFroms(repoFile(dockerfileOf(service.build!)));
      expect(images.length, name).toBeGreaterThan(0);
      for (const image of images) expect(stages.includes(image) || isPinnedImage(image), `${name}: FROM ${image}`).toBe(true);
    }
  });
});

describe('docker-compose.yml S3 server', () => {
  const s3 = compose.services.s3!;
  const dockerfile = repoFile(dockerfileOf(s3.build!));

  it('is the Ceph RGW of scripts/s3-server.sh in its persistent mode, on all interfaces inside the container', () => {
    expect(dockerfile).toMatch(/apt-get install[^\n]*ceph-mon ceph-osd radosgw/);
    expect(dockerfile).toMatch(/COPY scripts\/s3-server\.sh /);
    expect(dockerfileEnv(dockerfile)).toMatchObject({
      S3_SERVER_STORE: 'disk',
      S3_SERVER_DIR: '/var/lib/darkroom-s3',
      S3_SERVER_HOST: '0.0.0.0',
      S3_SERVER_PORT: '7480',
    });
    expect(dockerfile).toMatch(/^CMD \["darkroom-s3-server", "run"\]$/m);
  });

  it('keeps its data on a named volume and is what the apps and setup talk to', () => {
    expect(s3.volumes).toEqual(['s3data:/var/lib/darkroom-s3']);
    expect(compose.volumes).toHaveProperty('s3data');
    expect(compose['x-darkroom-env'].S3_ENDPOINT).toBe('http://s3:7480');
    expect(compose.services.setup!.depends_on!.s3).toEqual({ condition: 'service_healthy' });
    expect(compose.services.setup!.command!.join(' ')).toMatch(/npm run db:migrate && npm run storage:setup/);
  });
});

describe('docker-compose.yml delivery server', () => {
  const delivery = compose.services.delivery!;
  const stages = dockerfileStages(repoFile('Dockerfile'));

  it("is the Dockerfile's delivery target, running apps/delivery, while a build without a target stays the API's", () => {
    expect(delivery.build).toEqual({ context: '.', target: 'delivery' });
    expect(stages.find((stage) => stage.name === 'delivery')?.cmd).toBe('["sh", "apps/delivery/bin/start.sh"]');
    expect(stages.at(-1)!.cmd).toBe('["node", "apps/api/dist/main.js"]');
  });

  it("takes the apps' settings, listens on all interfaces inside its container and is published on loopback:3400", () => {
    // `<<: *darkroom-env`, as the api's: the yaml parser keeps the merge key as written.
    expect(delivery.environment).toEqual({ '<<': compose['x-darkroom-env'], HOST: '0.0.0.0' });
    expect(compose['x-darkroom-env'].DELIVERY_BASE_URL).toBe('http://127.0.0.1:3400');
    expect(delivery.ports).toEqual(['127.0.0.1:3400:3400']);
    expect(delivery.depends_on).toMatchObject({ setup: { condition: 'service_completed_successfully' }, redis: { condition: 'service_healthy' } });
  });
});
