import { deliverySignedPath, signDeliveryPath } from '@darkroom/core/delivery';
import { describe, expect, it } from 'vitest';
import { DELIVERY_DOC, examplesUnder, exampleTest, runExample, withBase64urlCharacters } from './doc-examples.js';

/**
 * docs/delivery.md's signing examples, each run as a reader would copy it and compared with
 * signDeliveryPath: as written (the key and path it shows), and with another key and path whose
 * signature holds both `-` and `_`, where base64 and base64url differ.
 */
const EXAMPLE_KEY = 'dsk_Jq4n8VxT2mR7cY1pL9eW3sK6hB0aD5fG8uZ2oN4iQ7t';
const EXAMPLE_PATH = '0193a1f2-7c4e-7b3a-9d2e-5f6a7b8c9d0e/2/w_1200,h_630,c_cover,g_auto,f_jpeg';
const urlOf = (key: string, path: string) => `https://img.example.com/img/${path}/${signDeliveryPath(key, path)}`;

const other = withBase64urlCharacters(
  (n) => ({
    key: `dsk_${Buffer.from(`darkroom-docs-signing-${n}`).toString('base64url').padEnd(43, 'A').slice(0, 43)}`,
    path: deliverySignedPath('01936f8a-0000-7000-8000-00000000002a', 7, `w_640,dpr_1.5,q_${(n % 100) + 1}`),
  }),
  ({ key, path }) => signDeliveryPath(key, path),
);

describe('docs/delivery.md signing examples', () => {
  const examples = examplesUnder(DELIVERY_DOC, '## Signing');

  it('has one example for each of Node, Python, Go, PHP and the shell, and states the URL they print', () => {
    expect(examples.map((e) => e.language).sort()).toEqual(['go', 'js', 'php', 'python', 'sh']);
    for (const { code } of examples) {
      expect(code).toContain(EXAMPLE_KEY);
      expect(code).toContain(EXAMPLE_PATH);
    }
    expect(DELIVERY_DOC).toContain(`prints\n\`${urlOf(EXAMPLE_KEY, EXAMPLE_PATH)}\``);
  });

  for (const { title, language, code } of examples) {
    exampleTest(language, `${title}: prints signDeliveryPath's URL, as written and for another key and path`, () => {
      expect(runExample(language, code)).toBe(urlOf(EXAMPLE_KEY, EXAMPLE_PATH));
      const substituted = code.replaceAll(EXAMPLE_KEY, other.key).replaceAll(EXAMPLE_PATH, other.path);
      expect(runExample(language, substituted)).toBe(urlOf(other.key, other.path));
    });
  }
});
