import { describe, expect, it } from 'vitest';
import { commandName, DEFAULT_API, parseImportArgs, regionOf, usage } from './import-args.js';

const KEY = { DARKROOM_API_KEY: 'dk_test' };
const SOURCE_KEYS = { ...KEY, IMPORT_ACCESS_KEY_ID: 'key-id', IMPORT_SECRET_ACCESS_KEY: 'the-secret-key' };

describe('the import command line', () => {
  it('takes a URL list with the settings every import of it gets, and the API from --api or the environment', () => {
    expect(parseImportArgs(['--urls', 'list.csv', '--dry-run', '--visibility', 'private', '--preset', 'web'], KEY)).toEqual({
      kind: 'urls',
      file: 'list.csv',
      settings: { preset: 'web', visibility: 'private', dryRun: true },
      api: DEFAULT_API,
      apiKey: 'dk_test',
    });
    const env = { ...KEY, DARKROOM_API_URL: 'https://media.example.com/' };
    expect(parseImportArgs(['--urls', 'a.txt'], env)).toMatchObject({ api: 'https://media.example.com', settings: {} });
    expect(parseImportArgs(['--urls', 'a.txt', '--api', 'http://127.0.0.1:3000'], env)).toMatchObject({ api: 'http://127.0.0.1:3000' });
    expect(parseImportArgs(['--follow', 'abc'], KEY)).toEqual({ kind: 'follow', id: 'abc', api: DEFAULT_API, apiKey: 'dk_test' });
    expect(parseImportArgs(['-h'], {})).toEqual({ kind: 'help' });
  });

  it("takes a bucket with the source's keys from the environment, and its region from a B2 or AWS endpoint", () => {
    const args = ['--bucket', 'old-photos', '--prefix', 'uploads/', '--endpoint', 'https://s3.us-west-004.backblazeb2.com'];
    expect(parseImportArgs(args, SOURCE_KEYS)).toEqual({
      kind: 'bucket',
      body: {
        source: {
          type: 'bucket',
          bucket: 'old-photos',
          prefix: 'uploads/',
          endpoint: 'https://s3.us-west-004.backblazeb2.com',
          region: 'us-west-004',
          accessKeyId: 'key-id',
          secretAccessKey: 'the-secret-key',
        },
      },
      api: DEFAULT_API,
      apiKey: 'dk_test',
    });
    expect(parseImportArgs(['--bucket', 'b', '--region', 'eu-central-003'], SOURCE_KEYS)).toMatchObject({
      body: { source: { region: 'eu-central-003' } },
    });
    expect(parseImportArgs(['--bucket', 'b'], SOURCE_KEYS)).not.toHaveProperty('body.source.endpoint');
    expect(['https://s3.eu-central-1.amazonaws.com', 'https://s3-us-west-2.amazonaws.com', 'http://127.0.0.1:7480', undefined].map(regionOf)).toEqual(
      ['eu-central-1', 'us-west-2', 'us-east-1', 'us-east-1'],
    );
  });

  it('refuses in one line naming the fix: no source or two, a misplaced option, no key, a bad URL or value', () => {
    const refusals: [string[], Record<string, string>, RegExp][] = [
      [[], KEY, /^give one of --urls FILE, --bucket NAME or --follow ID/],
      [['--urls', 'a', '--bucket', 'b'], SOURCE_KEYS, /^give one of/],
      [['--urls', 'a', '--prefix', 'p/'], KEY, /^--prefix goes with --bucket$/],
      [['--follow', 'id', '--dry-run'], KEY, /^--dry-run goes with --urls or --bucket/],
      [['--urls', 'a'], {}, /^DARKROOM_API_KEY is not set: export the tenant's API key/],
      [['--bucket', 'b'], KEY, /^IMPORT_ACCESS_KEY_ID and IMPORT_SECRET_ACCESS_KEY must hold the source bucket's keys/],
      [['--bucket', 'b', '--endpoint', 'ftp://x'], SOURCE_KEYS, /^--endpoint takes the bucket's S3 endpoint/],
      [['--urls', 'a', '--api', 'localhost:3000'], KEY, /^--api \(or DARKROOM_API_URL\) takes the API's http/],
      [['--urls', 'a', '--visibility', 'hidden'], KEY, /^--visibility takes public or private$/],
      [['--urls'], KEY, /argument missing.*\(--help lists the options\)$/],
      [['--urls', 'a', '--bogus'], KEY, /Unknown option '--bogus'.*\(--help lists the options\)$/],
      [['--urls', 'a', 'stray'], KEY, /positional argument.*\(--help lists the options\)$/],
    ];
    for (const [argv, env, message] of refusals) {
      const parsed = parseImportArgs(argv, env);
      expect(parsed, argv.join(' ')).toEqual({ error: expect.stringMatching(message) });
      expect((parsed as { error: string }).error).not.toContain('\n');
      expect((parsed as { error: string }).error).not.toContain('the-secret-key');
    }
  });

  it('writes itself as npm runs it, or as the bin', () => {
    expect(commandName({ npm_lifecycle_event: 'import' })).toBe('npm run import --');
    expect(commandName({})).toBe('darkroom-import');
    expect(usage('npm run import --').split('\n')[0]).toBe(
      'Usage: npm run import -- (--urls FILE | --bucket NAME [--prefix P] [--endpoint URL] [--region R]) [--dry-run] [--api URL]',
    );
  });
});
