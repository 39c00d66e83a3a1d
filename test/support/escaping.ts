/** Checks for the console's pages (apps/api/src/routes/admin/*.html.test.ts): tenant-controlled strings come out escaped. */
import { expect } from 'vitest';

/** A string a tenant controls that would leave an attribute and run a script if it went in unescaped. */
export const hostile = (field: string) => `"><script>alert('${field}')</script>`;

/** What ghtml makes of `hostile(field)`. */
const escaped = (field: string) => `&#34;&#62;&#60;script&#62;alert(&#39;${field}&#39;)&#60;/script&#62;`;

/** Every field shows up escaped and never raw; the only scripts are the page's own (nonce-carrying) ones. */
export function expectEscaped(page: string, fields: string[], ownScripts: number): void {
  for (const field of fields) {
    expect(page, field).toContain(escaped(field));
    expect(page, field).not.toContain(hostile(field));
  }
  expect(page.match(/<script/g) ?? []).toHaveLength(ownScripts);
  expect(page.match(/<script nonce=/g) ?? []).toHaveLength(ownScripts);
}
