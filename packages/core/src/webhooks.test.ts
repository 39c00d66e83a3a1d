import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createSecretBox, generateWebhookSecret, signWebhook } from './webhooks.js';

describe('webhook signatures', () => {
  it('are what the standardwebhooks package verifies, unchanged', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: 'asset.ready', timestamp: new Date().toISOString(), data: { asset: { id: 'a' } } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook({ id: 'evt_1', timestamp, body, secrets: [secret] }),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it('keep the wire format receivers already check: v1, then base64 HMAC-SHA256 of id.timestamp.body keyed with the secret bytes', () => {
    const key = Buffer.alloc(32, 7);
    const secret = `whsec_${key.toString('base64')}`;
    const expected = createHmac('sha256', key).update('evt_3.1700000000.{"a":1}').digest('base64');
    expect(signWebhook({ id: 'evt_3', timestamp: 1_700_000_000, body: '{"a":1}', secrets: [secret] })).toBe(`v1,${expected}`);
  });

  it('carry one signature per secret during a rotation, each verifiable on its own', () => {
    const [next, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signWebhook({ id: 'evt_2', timestamp, body: '{}', secrets: [next, previous] });
    const parts = signature.split(' ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).not.toBe(parts[1]);
    const headers = (value: string) => ({ 'webhook-id': 'evt_2', 'webhook-timestamp': String(timestamp), 'webhook-signature': value });
    expect(new Webhook(next).verify('{}', headers(signature))).toEqual({});
    expect(new Webhook(previous).verify('{}', headers(signature))).toEqual({});
    // Each of the two is the one its own secret makes: the old secret alone verifies only the second.
    expect(new Webhook(next).verify('{}', headers(parts[0]!))).toEqual({});
    expect(new Webhook(previous).verify('{}', headers(parts[1]!))).toEqual({});
    expect(() => new Webhook(previous).verify('{}', headers(parts[0]!))).toThrow();
  });
});

describe('sealed secrets', () => {
  it('round-trip under the same key and row, and fail under another key, another row or tampering', () => {
    const box = createSecretBox('a-long-enough-webhook-key-5e2d8c4b1a09');
    const secret = generateWebhookSecret();
    const sealed = box.seal(secret, 'webhook-1');
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(box.seal(secret, 'webhook-1')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, 'webhook-1')).toBe(secret);
    expect(() => box.open(sealed, 'webhook-2')).toThrow();
    expect(() => createSecretBox('another-long-enough-key-9f8e7d6c5b4a').open(sealed, 'webhook-1')).toThrow();
    const [v, iv, data, tag] = sealed.split('.');
    const flipped = `${data!.startsWith('A') ? 'B' : 'A'}${data!.slice(1)}`;
    expect(() => box.open([v, iv, flipped, tag].join('.'), 'webhook-1')).toThrow();
  });
});
