import { describe, expect, it } from 'vitest';
import { bucketIdentity, displaySource, urlIdentity } from './import-identity.js';

/** One object presigned twice by each store's scheme: another signature, another expiry. */
const SIGNED_TWICE: Record<string, [string, string, string]> = {
  s3: [
    'https://photos.s3.eu-west-1.amazonaws.com/2024/a.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=aaaa',
    'https://photos.s3.eu-west-1.amazonaws.com/2024/a.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240202%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20240202T000000Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host&X-Amz-Signature=bbbb',
    'https://photos.s3.eu-west-1.amazonaws.com/2024/a.jpg',
  ],
  b2: [
    'https://s3.us-west-004.backblazeb2.com/library/cats/1.png?x-amz-algorithm=AWS4-HMAC-SHA256&x-amz-credential=004abc%2F20240101%2Fus-west-004%2Fs3%2Faws4_request&x-amz-date=20240101T000000Z&x-amz-expires=86400&x-amz-signedheaders=host&x-amz-signature=1111',
    'https://S3.US-WEST-004.backblazeb2.com:443/library/cats/1.png?X-Amz-Signature=2222&X-Amz-Date=20240301T000000Z&X-Amz-Expires=60',
    'https://s3.us-west-004.backblazeb2.com/library/cats/1.png',
  ],
  b2Native: [
    'https://f004.backblazeb2.com/file/library/cats/1.png?Authorization=3_20240101_token',
    'https://f004.backblazeb2.com/file/library/cats/1.png?Authorization=3_20240909_other',
    'https://f004.backblazeb2.com/file/library/cats/1.png',
  ],
  cloudFrontCanned: [
    'https://d111111abcdef8.cloudfront.net/video/intro.mp4?Expires=1704067200&Signature=abc~def&Key-Pair-Id=K2JCJMDEHXQW5F',
    'https://d111111abcdef8.cloudfront.net/video/intro.mp4?Expires=1706745600&Signature=xyz~uvw&Key-Pair-Id=K2JCJMDEHXQW5F',
    'https://d111111abcdef8.cloudfront.net/video/intro.mp4',
  ],
  cloudFrontCustom: [
    'https://cdn.example.com/video/intro.mp4?Policy=eyJTdGF0ZW1lbnQiOlt7fV19&Signature=abc&Key-Pair-Id=K2',
    'https://cdn.example.com/video/intro.mp4?Policy=eyJTdGF0ZW1lbnQiOltdfQ__&Signature=def&Key-Pair-Id=K3',
    'https://cdn.example.com/video/intro.mp4',
  ],
  gcsV2: [
    'https://storage.googleapis.com/my-bucket/audio/talk.mp3?GoogleAccessId=svc%40proj.iam.gserviceaccount.com&Expires=1704067200&Signature=AbC%2BdEf%3D',
    'https://storage.googleapis.com/my-bucket/audio/talk.mp3?GoogleAccessId=svc%40proj.iam.gserviceaccount.com&Expires=1709251200&Signature=ZzZ%3D',
    'https://storage.googleapis.com/my-bucket/audio/talk.mp3',
  ],
  gcsV4: [
    'https://storage.googleapis.com/my-bucket/audio/talk.mp3?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=svc%2F20240101%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20240101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=00ff',
    'https://storage.googleapis.com/my-bucket/audio/talk.mp3?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=svc%2F20240505%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20240505T000000Z&X-Goog-Expires=60&X-Goog-SignedHeaders=host&X-Goog-Signature=ff00',
    'https://storage.googleapis.com/my-bucket/audio/talk.mp3',
  ],
};

describe('urlIdentity', () => {
  for (const [scheme, [first, second, identity]] of Object.entries(SIGNED_TWICE)) {
    it(`gives two ${scheme} signatures of one object one identity: the URL unsigned`, () => {
      expect(urlIdentity(first)).toBe(identity);
      expect(urlIdentity(second)).toBe(identity);
    });
  }

  it('keeps the other query parameters as written, in their order, between and around the signing ones', () => {
    expect(urlIdentity('https://img.example.com/a.jpg?w=800&X-Amz-Signature=s&fm=webp&Expires=1&q=a%20b&Signature=t&v=2')).toBe(
      'https://img.example.com/a.jpg?w=800&fm=webp&q=a%20b&v=2',
    );
    expect(urlIdentity('https://img.example.com/a.jpg?v=2&w=800')).not.toBe(urlIdentity('https://img.example.com/a.jpg?w=800&v=2'));
    expect(urlIdentity('https://img.example.com/a.jpg?id=1')).not.toBe(urlIdentity('https://img.example.com/a.jpg?id=2'));
    // A name that merely contains a signing one is not one.
    expect(urlIdentity('https://x.example/a?MyExpires=1&signature_note=x&amz=1')).toBe('https://x.example/a?MyExpires=1&signature_note=x&amz=1');
  });

  it('matches signing parameters whatever their case or escaping', () => {
    expect(urlIdentity('https://x.example/a?X-AMZ-SIGNATURE=1&x-amz-date=2&X%2DAmz-Credential=3&EXPIRES=4&key-pair-id=5&keep=1')).toBe(
      'https://x.example/a?keep=1',
    );
  });

  it('lower-cases the scheme and host, drops a default port, the fragment, a user and password, and an empty query', () => {
    expect(urlIdentity('HTTPS://Media.Example.COM:443/Photos/A.JPG?#top')).toBe('https://media.example.com/Photos/A.JPG');
    expect(urlIdentity('http://media.example.com:80/a.jpg#x')).toBe('http://media.example.com/a.jpg');
    expect(urlIdentity('http://media.example.com:8080/a.jpg')).toBe('http://media.example.com:8080/a.jpg');
    expect(urlIdentity('https://user:secret@media.example.com/a.jpg')).toBe('https://media.example.com/a.jpg');
    expect(urlIdentity('https://media.example.com/a.jpg?&&Signature=x&&')).toBe('https://media.example.com/a.jpg');
  });

  it('keeps the path as written: its case and escaping name the file', () => {
    expect(urlIdentity('https://x.example/A.jpg')).not.toBe(urlIdentity('https://x.example/a.jpg'));
    expect(urlIdentity('https://x.example/a%2Fb.jpg')).toBe('https://x.example/a%2Fb.jpg');
  });

  it('throws on what is not a URL (the route refuses it first)', () => {
    expect(() => urlIdentity('not a url')).toThrow();
  });
});

describe('bucketIdentity', () => {
  it('is the bucket, key and ETag, with or without the quotes around the ETag', () => {
    expect(bucketIdentity('library', 'cats/1.png', '"9b2cf535f27731c974343645a3985328"')).toBe('library/cats/1.png#9b2cf535f27731c974343645a3985328');
    expect(bucketIdentity('library', 'cats/1.png', '9b2cf535f27731c974343645a3985328')).toBe(
      bucketIdentity('library', 'cats/1.png', '"9b2cf535f27731c974343645a3985328"'),
    );
  });

  it('never gives two different objects, or two versions of one, the same identity', () => {
    const objects: [string, string, string][] = [
      ['b', 'a#x', 'y'],
      ['b', 'a', 'x#y'],
      ['b', 'k/x', 'e'],
      ['b/k', 'x', 'e'],
      ['b', 'a%23x', 'y'],
      ['b', 'a', '"e1"'],
      ['b', 'a', '"e2-3"'],
      ['b', 'a', 'W/"e1"'],
      ['b#', 'a', 'e'],
      ['b', '#a', 'e'],
    ];
    const identities = objects.map((object) => bucketIdentity(...object));
    expect(new Set(identities).size).toBe(objects.length);
  });
});

describe('displaySource', () => {
  it('shows the URL without any signing parameter, user or password', () => {
    for (const [first] of Object.values(SIGNED_TWICE)) {
      const shown = displaySource(first);
      expect(shown).not.toMatch(/signature|credential|expires|authorization|policy|key-pair-id|googleaccessid/i);
    }
    expect(displaySource('https://cdn.example.com/a.jpg?w=100&Signature=sekrit&Key-Pair-Id=K')).toBe('https://cdn.example.com/a.jpg?w=100');
    expect(displaySource('https://me:hunter2@cdn.example.com/a.jpg')).toBe('https://cdn.example.com/a.jpg');
  });

  it('never throws: text that is not a URL is shown without its query or credentials', () => {
    expect(displaySource('//no-scheme.example/a.jpg?X-Amz-Signature=sekrit')).toBe('//no-scheme.example/a.jpg');
    expect(displaySource('http://me:hunter2@[bad/a.jpg?Signature=sekrit#f')).toBe('http://[bad/a.jpg');
  });
});
