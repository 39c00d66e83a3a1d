import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, guardedLookup, isPublicAddress, webhookUrlProblem, type Resolver } from './webhook-guard.js';

/** A resolver stub: names to addresses, as DNS would answer (no network). */
const stub =
  (records: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const addresses = records[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const lookupWith = (resolve: Resolver, hostname: string, options: { all?: boolean; family?: number } = {}) =>
  new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((done) => {
    guardedLookup(resolve)(hostname, options, (error, address, family) => done({ error, address, family }));
  });

describe('isPublicAddress', () => {
  it('refuses private, loopback, link-local, multicast, unspecified and reserved IPv4', () => {
    for (const ip of [
      '10.1.2.3',
      '127.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '198.18.0.1',
      '192.0.2.1',
    ]) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '93.184.215.14', '100.128.0.1']) expect(isPublicAddress(ip), ip).toBe(true);
  });

  it('refuses the same in IPv6, judging IPv4-mapped, NAT64 and 6to4 addresses by the IPv4 inside', () => {
    for (const ip of [
      '::',
      '::1',
      'fe80::1',
      'fe80::1%eth0',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '2001:db8::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '2002:c0a8:101::1',
      '::127.0.0.1',
    ]) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
    for (const ip of ['2606:4700:4700::1111', '2a00:1450:4001:81b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'])
      expect(isPublicAddress(ip), ip).toBe(true);
  });

  it('treats anything unreadable as not public', () => {
    expect(isPublicAddress('localhost')).toBe(false);
    expect(isPublicAddress('')).toBe(false);
  });
});

describe('webhookUrlProblem', () => {
  const strict = { allowPrivate: false };
  it('takes https on a public host, and names what is wrong otherwise', () => {
    expect(webhookUrlProblem('https://hooks.example.com/darkroom', strict)).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.com/', strict)).toMatch(/https/);
    expect(webhookUrlProblem('ftp://hooks.example.com/', strict)).toMatch(/https/);
    expect(webhookUrlProblem('not a url', strict)).toMatch(/absolute URL/);
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/', strict)).toMatch(/credentials/);
    expect(webhookUrlProblem(`https://hooks.example.com/${'a'.repeat(2100)}`, strict)).toMatch(/longer than 2048/);
    // Literal addresses, however spelled: WHATWG URL parsing turns 2130706433 and 0x7f.1 into 127.0.0.1.
    for (const url of [
      'https://127.0.0.1/',
      'https://2130706433/',
      'https://0x7f.1/',
      'https://[::1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://169.254.169.254/latest',
    ]) {
      expect(webhookUrlProblem(url, strict), url).toMatch(/non-public address/);
    }
  });

  it('WEBHOOK_ALLOW_PRIVATE lets http and private addresses through', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', { allowPrivate: true })).toBeNull();
    expect(webhookUrlProblem('ftp://127.0.0.1/', { allowPrivate: true })).toMatch(/https:\/\/ or http:\/\//);
  });
});

describe('checkWebhookUrl (creation) and guardedLookup (every connection)', () => {
  const dns = stub({
    'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'internal.example.com': ['10.0.0.7'],
    'mixed.example.com': ['93.184.215.14', '127.0.0.1'],
    'mapped.example.com': ['::ffff:192.168.0.10'],
  });

  it('refuses a host that resolves to any non-public address, or does not resolve', async () => {
    expect(await checkWebhookUrl('https://hooks.example.com/h', { allowPrivate: false }, dns)).toBeNull();
    expect(await checkWebhookUrl('https://internal.example.com/h', { allowPrivate: false }, dns)).toMatch(/resolves to a private/);
    expect(await checkWebhookUrl('https://mixed.example.com/h', { allowPrivate: false }, dns)).toMatch(/resolves to a private/);
    expect(await checkWebhookUrl('https://mapped.example.com/h', { allowPrivate: false }, dns)).toMatch(/resolves to a private/);
    expect(await checkWebhookUrl('https://nowhere.example.com/h', { allowPrivate: false }, dns)).toMatch(/does not resolve/);
    expect(await checkWebhookUrl('http://internal.example.com/h', { allowPrivate: true }, dns)).toBeNull();
  });

  it('hands the connection only addresses it checked, in either callback form', async () => {
    expect(await lookupWith(dns, 'hooks.example.com', { family: 4 })).toEqual({ error: null, address: '93.184.215.14', family: 4 });
    const all = await lookupWith(dns, 'hooks.example.com', { all: true });
    expect(all.error).toBeNull();
    expect(all.address).toHaveLength(2);
  });

  it('fails the connection when the name now resolves to a private address (DNS rebinding)', async () => {
    let answer = '93.184.215.14';
    const rebinding: Resolver = async () => [{ address: answer, family: 4 }];
    expect((await lookupWith(rebinding, 'rebind.example.com')).error).toBeNull();
    answer = '169.254.169.254';
    const refused = await lookupWith(rebinding, 'rebind.example.com');
    expect(refused.error?.code).toBe('EWEBHOOKADDRESS');
    expect(refused.error?.message).not.toContain('169.254');
  });

  it('takes a narrower policy than the public addresses: a test allows its own loopback server alone', async () => {
    const ownServerOnly = (address: string) => address === '127.0.0.1';
    const local = stub({ 'files.example.test': ['127.0.0.1'], 'other.example.test': ['127.0.0.2'] });
    const lookup = (hostname: string) =>
      new Promise<NodeJS.ErrnoException | null>((done) => guardedLookup(local, ownServerOnly)(hostname, {}, (error) => done(error)));
    expect(await lookup('files.example.test')).toBeNull();
    expect((await lookup('other.example.test'))?.code).toBe('EWEBHOOKADDRESS');
    expect((await lookupWith(dns, 'hooks.example.com')).error).toBeNull();
  });
});
