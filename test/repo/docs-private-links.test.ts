import { DEFAULT_PRIVATE_URL_TTL_SECONDS, privateExpiry } from '@darkroom/core/private-links';
import { signPrivateLink } from '@darkroom/core/delivery';
import { describe, expect, it } from 'vitest';
import { DELIVERY_DOC, examplesUnder, exampleTest, runExample, withBase64urlCharacters } from './doc-examples.js';

/**
 * docs/delivery.md's private-URL examples, each run as a reader would copy it and compared with
 * signPrivateLink: as written (the key, exp and asset it shows), and with another key, exp and asset
 * whose signature holds both `-` and `_`, where base64 and base64url differ.
 */
interface Token {
  key: string;
  exp: number;
  assetId: string;
}
const EXAMPLE: Token = {
  key: 'dsk_Jq4n8VxT2mR7cY1pL9eW3sK6hB0aD5fG8uZ2oN4iQ7t',
  exp: 1_767_225_600,
  assetId: '0193a1f2-7c4e-7b3a-9d2e-5f6a7b8c9d0e',
};
/** The `now` the @darkroom/client example fixes its clock at: an hour before `exp`. */
const EXAMPLE_NOW = '2025-12-31T23:00:00Z';
const REST = 'stream-074fe725f10c/master.m3u8';
const urlOf = ({ key, exp, assetId }: Token) => `https://img.example.com/p/${exp}/${signPrivateLink(key, exp, assetId)}/${assetId}/${REST}`;
const nowFor = (exp: number) => new Date((exp - DEFAULT_PRIVATE_URL_TTL_SECONDS) * 1000).toISOString();

const other = withBase64urlCharacters<Token>(
  (n) => ({
    key: `dsk_${Buffer.from(`darkroom-docs-private-${n}`).toString('base64url').padEnd(43, 'A').slice(0, 43)}`,
    exp: EXAMPLE.exp + 300 * (n + 1),
    assetId: `01936f8a-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
  }),
  ({ key, exp, assetId }) => signPrivateLink(key, exp, assetId),
);

/** The example with another token: the clock the client's example counts from moves with `exp`. */
function substituted(code: string, token: Token): string {
  return code
    .replaceAll(EXAMPLE.key, token.key)
    .replaceAll(EXAMPLE.assetId, token.assetId)
    .replaceAll(String(EXAMPLE.exp), String(token.exp))
    .replaceAll(EXAMPLE_NOW, nowFor(token.exp));
}

describe('docs/delivery.md private-URL examples', () => {
  const examples = examplesUnder(DELIVERY_DOC, '### Signing a private URL');

  it('has one example for each of @darkroom/client, Node, Python, Go, PHP and the shell, and states the URL they print', () => {
    expect(examples.map((e) => e.title)).toEqual(['Node with `@darkroom/client`', 'Node', 'Python', 'Go', 'PHP', 'Shell (openssl)']);
    expect(privateExpiry(Date.parse(EXAMPLE_NOW) / 1000, DEFAULT_PRIVATE_URL_TTL_SECONDS)).toBe(EXAMPLE.exp);
    for (const { code } of examples) {
      for (const shown of [EXAMPLE.key, EXAMPLE.assetId, REST]) expect(code).toContain(shown);
      expect(code.includes(String(EXAMPLE.exp)) || code.includes(EXAMPLE_NOW)).toBe(true);
    }
    expect(DELIVERY_DOC).toContain(`prints\n\`${urlOf(EXAMPLE)}\``);
  });

  for (const { title, language, code } of examples) {
    exampleTest(language, `${title}: prints signPrivateLink's URL, as written and for another key, exp and asset`, () => {
      expect(runExample(language, code)).toBe(urlOf(EXAMPLE));
      expect(runExample(language, substituted(code, other))).toBe(urlOf(other));
    });
  }
});
