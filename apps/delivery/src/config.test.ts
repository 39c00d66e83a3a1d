import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadDeliveryConfig } from './config.js';

const base = {
  S3_ENDPOINT: 'http://127.0.0.1:7480',
  S3_BUCKET: 'originals',
  S3_PUBLIC_BUCKET: 'variants',
  S3_ACCESS_KEY_ID: 'k',
  S3_SECRET_ACCESS_KEY: 'local-test-secret',
  WEBHOOK_SECRET_KEY: 'a-long-enough-webhook-key-5e2d8c4b1a09',
};

describe('loadDeliveryConfig', () => {
  it('meters usage unless USAGE_METERING=off, and refuses to boot on a value it does not know', () => {
    expect(loadDeliveryConfig(base).usage).toEqual({ metering: true, flushSeconds: 5, spoolDir: null });
    expect(loadDeliveryConfig({ ...base, USAGE_METERING: 'off' }).usage.metering).toBe(false);
    expect(() => loadDeliveryConfig({ ...base, USAGE_METERING: 'no' })).toThrow(/USAGE_METERING/);
  });

  it('spools no count, whatever USAGE_SPOOL_DIR says: a delivery server killed loses its last USAGE_FLUSH_SECONDS', () => {
    expect(loadDeliveryConfig({ ...base, USAGE_SPOOL_DIR: '/proc/not-writable' }).usage.spoolDir).toBeNull();
  });

  it('applies the documented defaults', () => {
    expect(loadDeliveryConfig(base)).toMatchObject({
      host: '127.0.0.1',
      port: 3400,
      baseUrl: 'http://127.0.0.1:3400',
      render: {
        concurrency: availableParallelism(),
        maxPixels: 100_000_000,
        queueTimeoutMs: 10_000,
        queueLength: 64,
        timeoutMs: 30_000,
        perMinute: 600,
      },
      hotCacheBytes: 64 * 1024 * 1024,
      queuePrefix: '{darkroom}',
    });
  });

  it('takes the public origin and the limits as set', () => {
    const config = loadDeliveryConfig({
      ...base,
      HOST: '0.0.0.0',
      DELIVERY_PORT: '8080',
      DELIVERY_BASE_URL: 'https://img.example.org/',
      DELIVERY_QUEUE_TIMEOUT: '250ms',
      DELIVERY_RENDERS_PER_MINUTE: '5',
      DELIVERY_RENDER_CONCURRENCY: '3',
      DELIVERY_RENDER_PIXELS: '1000000',
    });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8080, baseUrl: 'https://img.example.org', basePath: '' });
    expect(loadDeliveryConfig({ ...base, DELIVERY_BASE_URL: 'https://cdn.example.org/media/' }).basePath).toBe('/media');
    expect(config.render).toMatchObject({ queueTimeoutMs: 250, perMinute: 5, concurrency: 3, maxPixels: 1_000_000 });
    expect(loadDeliveryConfig({ ...base, DELIVERY_PORT: '9' }).baseUrl).toBe('http://127.0.0.1:9');
  });

  it('listens on an IPv6 HOST and builds its default origin from it as the API does, bracketed', () => {
    expect(loadDeliveryConfig({ ...base, HOST: '::' })).toMatchObject({ host: '::', baseUrl: 'http://[::]:3400', basePath: '' });
    expect(loadDeliveryConfig({ ...base, HOST: '::1', DELIVERY_PORT: '9' }).baseUrl).toBe('http://[::1]:9');
  });

  it('fails at boot naming the variable at fault', () => {
    expect(() => loadDeliveryConfig({ ...base, DELIVERY_PORT: 'x' })).toThrow(/DELIVERY_PORT/);
    expect(() => loadDeliveryConfig({ ...base, DELIVERY_BASE_URL: 'ftp://cdn' })).toThrow(/DELIVERY_BASE_URL/);
    expect(() => loadDeliveryConfig({ ...base, DELIVERY_QUEUE_TIMEOUT: 'soon' })).toThrow(/DELIVERY_QUEUE_TIMEOUT/);
    expect(() => loadDeliveryConfig({ ...base, DELIVERY_RENDERS_PER_MINUTE: '0' })).toThrow(/DELIVERY_RENDERS_PER_MINUTE/);
    expect(() => loadDeliveryConfig({ ...base, WEBHOOK_SECRET_KEY: undefined })).toThrow(/WEBHOOK_SECRET_KEY/);
    expect(() => loadDeliveryConfig({ ...base, S3_BUCKET: undefined })).toThrow(/S3_BUCKET/);
  });

  it('reads DELIVERY_LOOKUPS_PER_SECOND and PRIVATE_CACHE_MAX_AGE: defaults, bounds, and a bad value refused by name', () => {
    expect(loadDeliveryConfig(base)).toMatchObject({ lookupsPerSecond: 200, privateCacheMaxAgeSeconds: 86_400 });
    const lookups = (value: string) => loadDeliveryConfig({ ...base, DELIVERY_LOOKUPS_PER_SECOND: value }).lookupsPerSecond;
    expect([lookups('1'), lookups('1000000')]).toEqual([1, 1_000_000]);
    for (const bad of ['0', '1000001', '2.5', '-3', 'many']) {
      expect(() => lookups(bad), bad).toThrow(/DELIVERY_LOOKUPS_PER_SECOND/);
    }
    // Up to a private link's longest life; 0 keeps nothing.
    const maxAge = (value: string) => loadDeliveryConfig({ ...base, PRIVATE_CACHE_MAX_AGE: value }).privateCacheMaxAgeSeconds;
    expect([maxAge('0'), maxAge('3600'), maxAge('604800')]).toEqual([0, 3600, 604_800]);
    for (const bad of ['604801', '-1', '1.5', '1h']) {
      expect(() => maxAge(bad), bad).toThrow(/PRIVATE_CACHE_MAX_AGE/);
    }
  });
});
