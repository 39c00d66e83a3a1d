import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from './config.js';
import { choosePartSize } from './services/uploads/upload-rules.js';
import { DEFAULT_ACCEPTED_TYPES } from '@darkroom/core/content-types';
import { MiB } from '@darkroom/core/limits';

const base = {
  S3_ENDPOINT: 'http://127.0.0.1:7480',
  S3_BUCKET: 'originals',
  S3_ACCESS_KEY_ID: 'k',
  S3_SECRET_ACCESS_KEY: 'local-test-secret',
  ADMIN_TOKEN: 'a-long-enough-admin-token-7f3c9e1b2d4a',
  WEBHOOK_SECRET_KEY: 'a-long-enough-webhook-key-5e2d8c4b1a09',
};

describe('loadApiConfig', () => {
  it('reads PRIVATE_URL_TTL (seconds, 60..604800) and DEFAULT_VISIBILITY (public or private), public for an hour by default', () => {
    expect(loadApiConfig(base)).toMatchObject({ privateUrlTtlSeconds: 3600, defaultVisibility: 'public' });
    expect(loadApiConfig({ ...base, PRIVATE_URL_TTL: '60', DEFAULT_VISIBILITY: 'private' })).toMatchObject({
      privateUrlTtlSeconds: 60,
      defaultVisibility: 'private',
    });
    expect(loadApiConfig({ ...base, PRIVATE_URL_TTL: '604800' }).privateUrlTtlSeconds).toBe(604_800);
    for (const ttl of ['59', '604801', 'soon']) expect(() => loadApiConfig({ ...base, PRIVATE_URL_TTL: ttl })).toThrow(/PRIVATE_URL_TTL/);
    expect(() => loadApiConfig({ ...base, DEFAULT_VISIBILITY: 'hidden' })).toThrow(/DEFAULT_VISIBILITY/);
  });

  it('meters usage unless USAGE_METERING is off; nonsense fails naming it', () => {
    expect(loadApiConfig(base).usage.metering).toBe(true);
    expect(loadApiConfig({ ...base, USAGE_METERING: 'off' }).usage.metering).toBe(false);
    expect(() => loadApiConfig({ ...base, USAGE_METERING: 'no' })).toThrow(/USAGE_METERING/);
  });

  it('spools its counts in USAGE_SPOOL_DIR, and refuses to boot where it cannot write', () => {
    expect(loadApiConfig(base).usage.spoolDir).toBe(join(tmpdir(), 'darkroom-usage-spool'));
    expect(() => loadApiConfig({ ...base, USAGE_SPOOL_DIR: '/dev/null/spool' })).toThrow(
      /^USAGE_SPOOL_DIR=\/dev\/null\/spool cannot be written \(ENOTDIR\)/,
    );
  });

  it('applies the documented defaults', () => {
    const config = loadApiConfig(base);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, jobMaxAttempts: 5, maxInputPixels: 100_000_000 });
    expect(config.uploads).toMatchObject({
      maxBytes: 100 * 1024 * 1024,
      multipartThreshold: 32 * 1024 * 1024,
      copy: { multipartThreshold: 5 * 1024 ** 3, partSize: 256 * 1024 * 1024 },
      ttlMs: 24 * 3600 * 1000,
      acceptedContentTypes: [...DEFAULT_ACCEPTED_TYPES],
      audioMaxDurationSeconds: 6 * 3600,
    });
    expect(config.sse).toEqual({ heartbeatMs: 15_000, maxPerTenant: 20, maxTotal: 1000 });
  });

  it('points asset.delivery at DELIVERY_BASE_URL, by default the delivery server on HOST:DELIVERY_PORT', () => {
    expect(loadApiConfig(base).deliveryBaseUrl).toBe('http://127.0.0.1:3400');
    expect(loadApiConfig({ ...base, HOST: '::1', DELIVERY_PORT: '3500' }).deliveryBaseUrl).toBe('http://[::1]:3500');
    expect(loadApiConfig({ ...base, DELIVERY_BASE_URL: 'https://img.example.com/' }).deliveryBaseUrl).toBe('https://img.example.com');
    expect(() => loadApiConfig({ ...base, DELIVERY_BASE_URL: 'ftp://img.example.com' })).toThrow(/DELIVERY_BASE_URL/);
    expect(() => loadApiConfig({ ...base, DELIVERY_PORT: '70000' })).toThrow(/DELIVERY_PORT/);
  });

  it('refuses a short or placeholder ADMIN_TOKEN, and a placeholder S3 secret', () => {
    expect(() => loadApiConfig({ ...base, ADMIN_TOKEN: 'short-token-1234' })).toThrow(/ADMIN_TOKEN must be at least 32/);
    expect(() => loadApiConfig({ ...base, ADMIN_TOKEN: 'change-me-to-a-long-random-string' })).toThrow(/ADMIN_TOKEN looks like a placeholder/);
    expect(() => loadApiConfig({ ...base, ADMIN_TOKEN: 'a'.repeat(40) })).toThrow(/ADMIN_TOKEN has too few distinct/);
    expect(() => loadApiConfig({ ...base, S3_SECRET_ACCESS_KEY: 'minioadmin' })).toThrow(/S3_SECRET_ACCESS_KEY/);
  });

  it('fails naming a missing ADMIN_TOKEN', () => {
    const { ADMIN_TOKEN: _, ...withoutToken } = base;
    expect(() => loadApiConfig(withoutToken)).toThrow(/ADMIN_TOKEN/);
  });

  it('needs WEBHOOK_SECRET_KEY, and keeps webhooks on public https URLs unless told otherwise', () => {
    expect(loadApiConfig(base).webhooks.allowPrivate).toBe(false);
    expect(loadApiConfig({ ...base, WEBHOOK_ALLOW_PRIVATE: 'true' }).webhooks.allowPrivate).toBe(true);
    expect(() => loadApiConfig({ ...base, WEBHOOK_ALLOW_PRIVATE: 'sometimes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE/);
    const { WEBHOOK_SECRET_KEY: _, ...withoutKey } = base;
    expect(() => loadApiConfig(withoutKey)).toThrow(/WEBHOOK_SECRET_KEY/);
    expect(() => loadApiConfig({ ...base, WEBHOOK_SECRET_KEY: 'short' })).toThrow(/WEBHOOK_SECRET_KEY must be at least 32/);
  });

  it('fails naming malformed values', () => {
    expect(() => loadApiConfig({ ...base, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadApiConfig({ ...base, UPLOAD_TTL: 'soon' })).toThrow(/UPLOAD_TTL/);
    expect(() => loadApiConfig({ ...base, MULTIPART_PART_SIZE: String(1024 * 1024) })).toThrow(/MULTIPART_PART_SIZE/);
    // S3's limits: parts of at least 5 MiB, and nothing above 5 GiB in one copy request.
    expect(() => loadApiConfig({ ...base, COPY_PART_SIZE: String(4 * 1024 * 1024) })).toThrow(/COPY_PART_SIZE/);
    expect(() => loadApiConfig({ ...base, COPY_MULTIPART_THRESHOLD_BYTES: String(5 * 1024 ** 3 + 1) })).toThrow(/COPY_MULTIPART_THRESHOLD_BYTES/);
    expect(() => loadApiConfig({ ...base, PRESETS_FILE: '/nonexistent/presets.json' })).toThrow(/PRESETS_FILE/);
    expect(() => loadApiConfig({ ...base, SSE_HEARTBEAT: 'often' })).toThrow(/SSE_HEARTBEAT/);
    expect(() => loadApiConfig({ ...base, SSE_MAX_STREAMS_PER_TENANT: '0' })).toThrow(/SSE_MAX_STREAMS_PER_TENANT/);
  });

  it('accepts the B2 names for storage', () => {
    const config = loadApiConfig({
      ADMIN_TOKEN: base.ADMIN_TOKEN,
      WEBHOOK_SECRET_KEY: base.WEBHOOK_SECRET_KEY,
      B2_ENDPOINT: 'https://s3.us-west-004.backblazeb2.com',
      B2_BUCKET_NAME: 'photos',
      B2_KEY_ID: 'keyid',
      B2_APPLICATION_KEY: 'K004appkey0123456789abcdef',
    });
    expect(config.storage).toMatchObject({ region: 'us-west-004', bucket: 'photos', accessKeyId: 'keyid' });
  });

  it('reads CORS_ORIGINS as storage:setup does, and fails naming a malformed one', () => {
    expect(loadApiConfig(base).corsOrigins).toEqual(['http://localhost:3000']);
    expect(loadApiConfig({ ...base, CORS_ORIGINS: 'https://a.example, http://localhost:5173/' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(() => loadApiConfig({ ...base, CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/);
  });

  it('reads TRUST_PROXY as Fastify takes it: off by default, true, or addresses and CIDRs (no hop count)', () => {
    expect(loadApiConfig(base).trustProxy).toBe(false);
    expect(loadApiConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadApiConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(() => loadApiConfig({ ...base, TRUST_PROXY: '2' })).toThrow(/TRUST_PROXY.*hop count/);
    expect(loadApiConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1,fd00::/8,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['yes-please', '10.0.0.0/33', '10.0.0.1/8/2', 'proxy.example.com']) {
      expect(() => loadApiConfig({ ...base, TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });
});

describe('choosePartSize', () => {
  it('keeps the configured size while 10,000 parts suffice', () => {
    expect(choosePartSize(100 * MiB, 16 * MiB)).toBe(16 * MiB);
  });
  it('grows in whole MiB so no upload needs more than 10,000 parts', () => {
    const size = 200 * 1024 * MiB;
    const part = choosePartSize(size, 8 * MiB);
    expect(part % MiB).toBe(0);
    expect(Math.ceil(size / part)).toBeLessThanOrEqual(10_000);
  });
});
