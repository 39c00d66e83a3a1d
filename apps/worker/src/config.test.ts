import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ATTEMPTS, retryDelayMs } from '@darkroom/core/queue';
import { loadWorkerConfig } from './config.js';

const base = {
  S3_ENDPOINT: 'http://127.0.0.1:7480',
  S3_BUCKET: 'originals',
  S3_ACCESS_KEY_ID: 'k',
  S3_SECRET_ACCESS_KEY: 'local-test-secret',
  WEBHOOK_SECRET_KEY: 'a-long-enough-webhook-key-5e2d8c4b1a09',
};

describe('loadWorkerConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadWorkerConfig(base)).toMatchObject({
      concurrency: availableParallelism() + 1,
      renderConcurrency: availableParallelism(),
      maxInputPixels: 100_000_000,
      jobTimeoutMs: 120_000,
      reconcileIntervalMs: 30_000,
      stalledTimeoutMs: 30_000,
      queuePrefix: '{darkroom}',
    });
  });

  it("builds webhook payloads' delivery URLs on DELIVERY_BASE_URL, defaulting as the API does", () => {
    expect(loadWorkerConfig(base).deliveryBaseUrl).toBe('http://127.0.0.1:3400');
    // Webhook payloads' private URLs live as long as the API's answers' (the same setting).
    expect(loadWorkerConfig(base).privateUrlTtlSeconds).toBe(3600);
    expect(loadWorkerConfig({ ...base, PRIVATE_URL_TTL: '7200' }).privateUrlTtlSeconds).toBe(7200);
    expect(() => loadWorkerConfig({ ...base, PRIVATE_URL_TTL: '604801' })).toThrow(/PRIVATE_URL_TTL/);
    expect(loadWorkerConfig({ ...base, HOST: '10.0.0.5', DELIVERY_PORT: '8080' }).deliveryBaseUrl).toBe('http://10.0.0.5:8080');
    expect(loadWorkerConfig({ ...base, DELIVERY_BASE_URL: 'https://img.example.com' }).deliveryBaseUrl).toBe('https://img.example.com');
  });

  it('WORKER_CONCURRENCY and RENDER_CONCURRENCY override the defaults; jobs follow render slots', () => {
    expect(loadWorkerConfig({ ...base, WORKER_CONCURRENCY: '5' })).toMatchObject({ concurrency: 5, renderConcurrency: availableParallelism() });
    expect(loadWorkerConfig({ ...base, RENDER_CONCURRENCY: '3' })).toMatchObject({ concurrency: 4, renderConcurrency: 3 });
    expect(() => loadWorkerConfig({ ...base, RENDER_CONCURRENCY: '0' })).toThrow(/RENDER_CONCURRENCY/);
  });

  it('reads the video limits, with the documented defaults', () => {
    expect(loadWorkerConfig(base).video).toMatchObject({
      maxDurationSeconds: 3 * 3600,
      maxPixels: 4096 * 2160,
      jobTimeout: { perSecond: 3, fixedMs: 120_000 },
    });
    const set = loadWorkerConfig({ ...base, VIDEO_MAX_DURATION: '90s', VIDEO_MAX_PIXELS: '921600', VIDEO_JOB_TIMEOUT: '2x' }).video;
    expect(set).toMatchObject({ maxDurationSeconds: 90, maxPixels: 921_600, jobTimeout: { perSecond: 2, fixedMs: 0 } });
    expect(loadWorkerConfig({ ...base, VIDEO_JOB_TIMEOUT: '45m' }).video.jobTimeout).toEqual({ perSecond: 0, fixedMs: 2_700_000 });
    expect(loadWorkerConfig({ ...base, VIDEO_JOB_TIMEOUT: '1.5x + 30s' }).video.jobTimeout).toEqual({ perSecond: 1.5, fixedMs: 30_000 });
    for (const bad of ['soon', '3y+2m', '0x']) expect(() => loadWorkerConfig({ ...base, VIDEO_JOB_TIMEOUT: bad }), bad).toThrow(/VIDEO_JOB_TIMEOUT/);
    expect(() => loadWorkerConfig({ ...base, VIDEO_MAX_DURATION: 'long' })).toThrow(/VIDEO_MAX_DURATION/);
  });

  it('VIDEO_CHUNK_SECONDS is 60 and VIDEO_CHUNK_TIMEOUT 3x+2m unless set; nonsense fails naming them', () => {
    expect(loadWorkerConfig(base).video).toMatchObject({ chunkSeconds: 60, chunkTimeout: { perSecond: 3, fixedMs: 120_000 } });
    const set = loadWorkerConfig({ ...base, VIDEO_CHUNK_SECONDS: '4', VIDEO_CHUNK_TIMEOUT: '5m' }).video;
    expect(set).toMatchObject({ chunkSeconds: 4, chunkTimeout: { perSecond: 0, fixedMs: 300_000 } });
    for (const bad of ['0', '2.5', 'soon']) expect(() => loadWorkerConfig({ ...base, VIDEO_CHUNK_SECONDS: bad }), bad).toThrow(/VIDEO_CHUNK_SECONDS/);
    expect(() => loadWorkerConfig({ ...base, VIDEO_CHUNK_TIMEOUT: 'never' })).toThrow(/VIDEO_CHUNK_TIMEOUT/);
  });

  it('VIDEO_CHUNK_TENANT_PARTS is 16 unless set; nonsense fails naming it', () => {
    expect(loadWorkerConfig(base).video.chunkTenantParts).toBe(16);
    expect(loadWorkerConfig({ ...base, VIDEO_CHUNK_TENANT_PARTS: '3' }).video.chunkTenantParts).toBe(3);
    for (const bad of ['0', '1.5', 'many'])
      expect(() => loadWorkerConfig({ ...base, VIDEO_CHUNK_TENANT_PARTS: bad }), bad).toThrow(/VIDEO_CHUNK_TENANT_PARTS/);
  });

  it('USAGE_ROLLUP_SECONDS is 5 and USAGE_HOURLY_DAYS 62 unless set; off turns the rollup off; nonsense fails naming them', () => {
    expect(loadWorkerConfig(base).usage).toMatchObject({ rollupIntervalMs: 5000, hourlyDays: 62 });
    expect(loadWorkerConfig({ ...base, USAGE_ROLLUP_SECONDS: '30', USAGE_HOURLY_DAYS: '90' }).usage).toMatchObject({
      rollupIntervalMs: 30_000,
      hourlyDays: 90,
    });
    expect(loadWorkerConfig({ ...base, USAGE_ROLLUP_SECONDS: 'off' }).usage.rollupIntervalMs).toBeNull();
    for (const bad of ['0', '1.5', 'soon'])
      expect(() => loadWorkerConfig({ ...base, USAGE_ROLLUP_SECONDS: bad }), bad).toThrow(/USAGE_ROLLUP_SECONDS/);
    // Fewer than the 31 days GET /v1/usage reads by the hour would drop what it serves.
    for (const bad of ['30', 'long']) expect(() => loadWorkerConfig({ ...base, USAGE_HOURLY_DAYS: bad }), bad).toThrow(/USAGE_HOURLY_DAYS/);
  });

  it('USAGE_METERING is on unless off; nonsense fails naming it', () => {
    expect(loadWorkerConfig({ ...base, USAGE_METERING: 'off' }).usage.metering).toBe(false);
    expect(() => loadWorkerConfig({ ...base, USAGE_METERING: 'no' })).toThrow(/USAGE_METERING/);
  });

  it('USAGE_SPOOL_DIR is where it spools its counts; one it cannot write refuses the boot, naming it', () => {
    expect(loadWorkerConfig(base).usage.spoolDir).toBe(join(tmpdir(), 'darkroom-usage-spool'));
    expect(() => loadWorkerConfig({ ...base, USAGE_SPOOL_DIR: '/dev/null/spool' })).toThrow(
      /^USAGE_SPOOL_DIR=\/dev\/null\/spool cannot be written \(ENOTDIR\)/,
    );
  });

  it('AUDIO_MAX_DURATION is 6 hours unless set', () => {
    expect(loadWorkerConfig(base).audio.maxDurationSeconds).toBe(21_600);
    expect(loadWorkerConfig({ ...base, AUDIO_MAX_DURATION: '90m' }).audio.maxDurationSeconds).toBe(5400);
    expect(() => loadWorkerConfig({ ...base, AUDIO_MAX_DURATION: 'forever' })).toThrow(/AUDIO_MAX_DURATION/);
  });

  it('AUDIO_JOB_TIMEOUT is once the duration plus 2 minutes, for each ffmpeg pass, unless set', () => {
    expect(loadWorkerConfig(base).audio.jobTimeout).toEqual({ perSecond: 1, fixedMs: 120_000 });
    expect(loadWorkerConfig({ ...base, AUDIO_JOB_TIMEOUT: '20m' }).audio.jobTimeout).toEqual({ perSecond: 0, fixedMs: 1_200_000 });
    expect(() => loadWorkerConfig({ ...base, AUDIO_JOB_TIMEOUT: 'soon' })).toThrow(/AUDIO_JOB_TIMEOUT/);
  });

  it('RECONCILE_INTERVAL=off turns the reconciler off', () => {
    expect(loadWorkerConfig({ ...base, RECONCILE_INTERVAL: 'off' }).reconcileIntervalMs).toBeNull();
    expect(loadWorkerConfig({ ...base, RECONCILE_INTERVAL: '500ms' }).reconcileIntervalMs).toBe(500);
  });

  it('runs one backfill slot besides the main ones unless told otherwise, and takes the built-in presets', () => {
    const config = loadWorkerConfig(base);
    expect(config.backfillConcurrency).toBe(1);
    expect(Object.keys(config.presets)).toEqual(['default']);
    expect(loadWorkerConfig({ ...base, BACKFILL_CONCURRENCY: '0' }).backfillConcurrency).toBe(0);
    expect(() => loadWorkerConfig({ ...base, BACKFILL_CONCURRENCY: '-1' })).toThrow(/BACKFILL_CONCURRENCY/);
    expect(() => loadWorkerConfig({ ...base, PRESETS_FILE: '/nonexistent/presets.json' })).toThrow(/PRESETS_FILE/);
  });

  it('spreads the retries of a transient failure over at least ten minutes by default', () => {
    const { retryScheduleMs } = loadWorkerConfig(base);
    const waited = Array.from({ length: DEFAULT_MAX_ATTEMPTS - 1 }, (_, i) => retryDelayMs(retryScheduleMs, i + 1));
    expect(waited.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10 * 60_000);
    expect(loadWorkerConfig({ ...base, JOB_RETRY_SCHEDULE: '1s, 2s,500ms' }).retryScheduleMs).toEqual([1000, 2000, 500]);
    expect(() => loadWorkerConfig({ ...base, JOB_RETRY_SCHEDULE: '1s,soon' })).toThrow(/JOB_RETRY_SCHEDULE/);
  });

  it('REDIS_CLUSTER_NODES turns on cluster mode, and needs a hash tag in QUEUE_PREFIX', () => {
    expect(loadWorkerConfig(base).redis).toEqual({ url: 'redis://127.0.0.1:6379', clusterNodes: null });
    const cluster = loadWorkerConfig({ ...base, REDIS_CLUSTER_NODES: '127.0.0.1:7001, 127.0.0.1:7002' }).redis;
    expect(cluster.clusterNodes).toEqual([
      { host: '127.0.0.1', port: 7001 },
      { host: '127.0.0.1', port: 7002 },
    ]);
    expect(() => loadWorkerConfig({ ...base, REDIS_CLUSTER_NODES: '127.0.0.1' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadWorkerConfig({ ...base, REDIS_CLUSTER_NODES: '127.0.0.1:7001', QUEUE_PREFIX: 'darkroom' })).toThrow(/QUEUE_PREFIX/);
  });

  it('retries webhook deliveries for at least 24 h by default, and names a bad webhook setting', () => {
    const { webhooks } = loadWorkerConfig(base);
    expect(webhooks).toMatchObject({ allowPrivate: false, concurrency: 10, sweepIntervalMs: 5000 });
    expect(webhooks.retryScheduleMs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(loadWorkerConfig({ ...base, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_SWEEP_INTERVAL: 'off' }).webhooks).toMatchObject({
      allowPrivate: true,
      sweepIntervalMs: null,
    });
    expect(() => loadWorkerConfig({ ...base, WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow(/WEBHOOK_ALLOW_PRIVATE/);
    expect(() => loadWorkerConfig({ ...base, WEBHOOK_RETRY_SCHEDULE: '1s,later' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
    const { WEBHOOK_SECRET_KEY: _, ...noKey } = base;
    expect(() => loadWorkerConfig(noKey)).toThrow(/WEBHOOK_SECRET_KEY/);
    expect(() => loadWorkerConfig({ ...base, WEBHOOK_SECRET_KEY: 'change-me-to-something-long-enough' })).toThrow(
      /WEBHOOK_SECRET_KEY looks like a placeholder/,
    );
  });

  it('fails naming the malformed or missing variable', () => {
    expect(() => loadWorkerConfig({ ...base, MAX_INPUT_PIXELS: '-1' })).toThrow(/MAX_INPUT_PIXELS/);
    expect(() => loadWorkerConfig({ ...base, STALLED_TIMEOUT: '10ms' })).toThrow(/STALLED_TIMEOUT/);
    const { S3_BUCKET: _, ...noBucket } = base;
    expect(() => loadWorkerConfig(noBucket)).toThrow(/S3_BUCKET/);
  });

  it('has no malware scanner unless CLAMD_SOCKET or CLAMD_HOST is set; the socket goes first', () => {
    expect(loadWorkerConfig(base).clamd).toBeNull();
    expect(loadWorkerConfig({ ...base, CLAMD_HOST: 'clamd.internal:3310' }).clamd).toEqual({
      host: 'clamd.internal',
      port: 3310,
      timeoutMs: 60_000,
      maxBytes: 100 * 2 ** 20,
    });
    const both = { ...base, CLAMD_SOCKET: '/run/clamd.sock', CLAMD_HOST: '127.0.0.1:3310', CLAMD_TIMEOUT: '2m', CLAMD_MAX_BYTES: '1000' };
    expect(loadWorkerConfig(both).clamd).toEqual({ socket: '/run/clamd.sock', timeoutMs: 120_000, maxBytes: 1000 });
  });

  it('refuses a CLAMD_HOST that is not one host:port, and a CLAMD_MAX_BYTES or CLAMD_TIMEOUT out of bounds', () => {
    for (const host of ['clamd.internal', 'a:3310,b:3310', 'clamd:99999']) {
      expect(() => loadWorkerConfig({ ...base, CLAMD_HOST: host }), host).toThrow(/CLAMD_HOST/);
    }
    for (const bytes of ['0', '-1', String(2 ** 32), 'lots']) {
      expect(() => loadWorkerConfig({ ...base, CLAMD_HOST: '127.0.0.1:3310', CLAMD_MAX_BYTES: bytes }), bytes).toThrow(/CLAMD_MAX_BYTES/);
    }
    expect(() => loadWorkerConfig({ ...base, CLAMD_HOST: '127.0.0.1:3310', CLAMD_TIMEOUT: '10ms' })).toThrow(/CLAMD_TIMEOUT/);
  });

  it('searches faces at a confidence of 0.4 unless FACE_DETECTION says another or off, and refuses nonsense naming it', () => {
    expect(loadWorkerConfig(base).faceDetection).toEqual({ minConfidence: 0.4 });
    expect(loadWorkerConfig({ ...base, FACE_DETECTION: '0.7' }).faceDetection).toEqual({ minConfidence: 0.7 });
    expect(loadWorkerConfig({ ...base, FACE_DETECTION: 'off' }).faceDetection).toBeNull();
    for (const bad of ['0', '1.5', 'on', '']) expect(() => loadWorkerConfig({ ...base, FACE_DETECTION: bad }), bad).toThrow(/FACE_DETECTION/);
  });

  it('checks the storage ledger at 4 UTC unless USAGE_CHECK_HOUR says another hour or off, and refuses an hour past 23', () => {
    expect(loadWorkerConfig(base)).toMatchObject({ usage: { metering: true, flushSeconds: 5, checkHour: 4 } });
    expect(loadWorkerConfig({ ...base, USAGE_CHECK_HOUR: 'off' }).usage.checkHour).toBeNull();
    expect(loadWorkerConfig({ ...base, USAGE_CHECK_HOUR: '0' }).usage.checkHour).toBe(0);
    expect(() => loadWorkerConfig({ ...base, USAGE_CHECK_HOUR: '24' })).toThrow(/USAGE_CHECK_HOUR/);
  });

  it('refuses MODERATION_MALWARE=reject without a scanner, naming what to set, and reads the moderation defaults', () => {
    expect(() => loadWorkerConfig({ ...base, MODERATION_MALWARE: 'reject' })).toThrow(/MODERATION_MALWARE=reject .*CLAMD_SOCKET or CLAMD_HOST/);
    const config = loadWorkerConfig({ ...base, MODERATION_MALWARE: 'reject', CLAMD_HOST: '127.0.0.1:3310', MODERATION_CLASSIFIER_HOLD_AT: '0.8' });
    expect(config.moderation.defaults).toEqual({
      malware: 'reject',
      blocklist: 'reject',
      classifier: { holdAt: 0.8, rejectAt: null },
      review: 'none',
    });
    expect(loadWorkerConfig(base).moderation.defaults.classifier).toBe('off');
    expect(() => loadWorkerConfig({ ...base, BLOCKLIST_MAX_DISTANCE: '12' })).toThrow(/BLOCKLIST_MAX_DISTANCE/);
  });
});
