import { describe, expect, it } from 'vitest';
import { accessKeyIdProblem, bucketNameProblem, endpointProblem, isDeploymentBucket, regionProblem, sameEndpoint } from './checks.js';

describe('bucketNameProblem', () => {
  it("takes names by S3's rules", () => {
    for (const name of ['abc', 'photos-2024', 'my.library.bucket', 'a1b', 'x'.repeat(63), '0-0']) expect(bucketNameProblem(name), name).toBeNull();
  });

  it('refuses path junk, other characters, bad lengths and ends, two dots, and IP addresses', () => {
    const refused = [
      'a/../b',
      '../b',
      'b?x=1',
      'b#x',
      '%2e',
      '%2e%2e',
      'b%2fc',
      'bucket/key',
      'b c',
      'Photos',
      'under_score',
      'ab',
      'x'.repeat(64),
      '-abc',
      'abc-',
      '.abc',
      'abc.',
      'a..b',
      '192.168.1.1',
      '',
      'bücket',
    ];
    for (const name of refused) expect(bucketNameProblem(name), name).toEqual(expect.any(String));
  });
});

describe('regionProblem', () => {
  it('takes letters, digits, hyphens and underscores, and refuses whatever else would go into a signature', () => {
    for (const region of ['us-east-1', 'us-west-004', 'auto', 'eu_central_1', 'DEFAULT']) expect(regionProblem(region), region).toBeNull();
    for (const region of ['us-east-1 ', 'us east 1', 'us-east-1\n', 'us/east/1', 'us-east-1?x', 'é', '']) {
      expect(regionProblem(region), JSON.stringify(region)).toMatch(/letters, digits/);
    }
  });
});

describe('accessKeyIdProblem', () => {
  it('takes printable ASCII, and refuses spaces, control characters and what a header cannot carry', () => {
    for (const id of ['AKIAIOSFODNN7EXAMPLE', '004a1b2c3d4e5f60000000001', 'minio+user/1=']) expect(accessKeyIdProblem(id), id).toBeNull();
    for (const id of ['AKIA\n', 'AK IA', 'AKIA\u0001', 'AKIA\u00e9', 'AKIA\u2028', '']) {
      expect(accessKeyIdProblem(id), JSON.stringify(id)).toMatch(/printable ASCII/);
    }
  });
});

describe('endpointProblem', () => {
  it('takes an absolute http(s) URL of a server, a trailing slash allowed', () => {
    for (const endpoint of [
      'https://s3.us-west-004.backblazeb2.com',
      'http://127.0.0.1:7480',
      'https://minio.example.com:9000/',
      'http://[::1]:9000',
    ]) {
      expect(endpointProblem(endpoint), endpoint).toBeNull();
    }
  });

  it('refuses other schemes, credentials, paths, queries, fragments and what is no URL, without repeating it', () => {
    const refused = [
      'file:///etc/passwd',
      'ftp://files.example.com',
      'gopher://example.com',
      's3.example.com',
      '/relative',
      'https://key:secret-words@s3.example.com',
      'https://key@s3.example.com',
      'https://s3.example.com/bucket',
      'https://s3.example.com/?list-type=2',
      'https://s3.example.com/#x',
      `https://s3.example.com/${'a'.repeat(3000)}`,
      'http://',
    ];
    for (const endpoint of refused) {
      const problem = endpointProblem(endpoint);
      expect(problem, endpoint).toEqual(expect.any(String));
      expect(problem).not.toContain('secret-words');
    }
  });
});

describe('sameEndpoint', () => {
  it('folds case, a trailing dot, default ports and a trailing slash', () => {
    expect(sameEndpoint('https://S3.Example.COM', 'https://s3.example.com/')).toBe(true);
    expect(sameEndpoint('https://s3.example.com.', 'https://s3.example.com')).toBe(true);
    expect(sameEndpoint('https://s3.example.com:443', 'https://s3.example.com')).toBe(true);
    expect(sameEndpoint('http://s3.example.com:80', 'http://s3.example.com')).toBe(true);
    expect(sameEndpoint('http://127.1:7480', 'http://127.0.0.1:7480')).toBe(true);
    expect(sameEndpoint('http://[0:0::1]:7480', 'http://[::1]:7480')).toBe(true);
  });

  it('tells apart schemes, ports and names, and does not resolve names (localhost is not 127.0.0.1)', () => {
    expect(sameEndpoint('http://s3.example.com', 'https://s3.example.com')).toBe(false);
    expect(sameEndpoint('http://s3.example.com:443', 'https://s3.example.com')).toBe(false);
    expect(sameEndpoint('http://127.0.0.1:7480', 'http://127.0.0.1:7481')).toBe(false);
    expect(sameEndpoint('http://localhost:7480', 'http://127.0.0.1:7480')).toBe(false);
    expect(sameEndpoint('not a url', 'not a url')).toBe(false);
  });
});

describe('isDeploymentBucket', () => {
  const deployment = {
    storage: { endpoint: 'http://127.0.0.1:7480', bucket: 'darkroom-originals', publicBucket: 'darkroom-variants' },
    backup: { endpoint: 'https://s3.eu-central-003.backblazeb2.com', bucket: 'Darkroom-Backup' },
  };

  it("names the originals' and variants' buckets on the deployment's endpoint, given or absent", () => {
    expect(isDeploymentBucket({ bucket: 'darkroom-originals' }, deployment)).toBe(true);
    expect(isDeploymentBucket({ bucket: 'darkroom-variants' }, deployment)).toBe(true);
    expect(isDeploymentBucket({ endpoint: 'http://127.0.0.1:7480/', bucket: 'darkroom-originals' }, deployment)).toBe(true);
    expect(isDeploymentBucket({ endpoint: 'HTTP://127.0.0.1:7480', bucket: 'darkroom-variants' }, deployment)).toBe(true);
  });

  it('names the backup bucket on its own endpoint, whatever the case of its name', () => {
    expect(isDeploymentBucket({ endpoint: 'https://s3.eu-central-003.backblazeb2.com.', bucket: 'darkroom-backup' }, deployment)).toBe(true);
    expect(isDeploymentBucket({ bucket: 'darkroom-backup' }, deployment)).toBe(false);
    expect(
      isDeploymentBucket({ endpoint: 'https://s3.eu-central-003.backblazeb2.com', bucket: 'darkroom-backup' }, { ...deployment, backup: null }),
    ).toBe(false);
  });

  it("leaves a tenant's own bucket, and the deployment's names on another server", () => {
    expect(isDeploymentBucket({ bucket: 'tenant-library' }, deployment)).toBe(false);
    expect(isDeploymentBucket({ endpoint: 'https://s3.us-west-004.backblazeb2.com', bucket: 'darkroom-originals' }, deployment)).toBe(false);
  });
});
