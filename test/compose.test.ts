import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * No Docker engine runs here, so the deployment defaults of docker-compose.yml are checked by
 * reading it: no known secret, nothing published beyond loopback.
 */
const text = readFileSync(fileURLToPath(new URL('../docker-compose.yml', import.meta.url)), 'utf8');
const compose = parse(text) as {
  'x-darkroom-env': Record<string, string>;
  services: Record<string, { environment?: Record<string, string>; ports?: string[] }>;
};
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
    const minio = compose.services.minio!.environment!;
    expect(minio.MINIO_ROOT_USER).toMatch(requiredVar('S3_ACCESS_KEY_ID'));
    expect(minio.MINIO_ROOT_PASSWORD).toMatch(requiredVar('S3_SECRET_ACCESS_KEY'));
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
