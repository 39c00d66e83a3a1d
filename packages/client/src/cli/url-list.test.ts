import { describe, expect, it } from 'vitest';
import { readList, type ListItem } from './url-list.js';

async function* chunksOf(text: string, size: number): AsyncGenerator<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}

/** The list read whole, and read a few characters at a time (every chunk boundary must give the same). */
async function read(text: string): Promise<(ListItem | { error: string })[]> {
  const results: (ListItem | { error: string })[][] = [];
  for (const size of [text.length || 1, 3, 1]) {
    const out: (ListItem | { error: string })[] = [];
    for await (const item of readList(chunksOf(text, size))) out.push(item);
    results.push(out);
  }
  expect(results[1]).toEqual(results[0]);
  expect(results[2]).toEqual(results[0]);
  return results[0]!;
}

describe('a URL list', () => {
  it('takes one URL a line as it is (commas and quotes included), skipping blank lines and comments, any line end', async () => {
    const text =
      '\uFEFFhttps://res.cloudinary.com/demo/image/upload/w_100,h_100/sample.jpg\r\n\r\n# old photos\n  https://cdn.example.com/a%22b.png  \rhttp://x.example/c"d.jpg';
    expect(await read(text)).toEqual([
      { url: 'https://res.cloudinary.com/demo/image/upload/w_100,h_100/sample.jpg', line: 1 },
      { url: 'https://cdn.example.com/a%22b.png', line: 4 },
      { url: 'http://x.example/c"d.jpg', line: 5 },
    ]);
  });

  it('reads CSV under a header naming url, filename and externalId in any order and case, with quoted fields', async () => {
    const text = [
      'externalId,URL,filename',
      'sample,https://res.cloudinary.com/demo/image/upload/sample.jpg,sample.jpg',
      '"folder/a, b","https://cdn.example.com/w_10,h_10/a.jpg","say ""cheese"".jpg"',
      ',https://cdn.example.com/no-id.jpg,',
      '"multi',
      'line",https://cdn.example.com/m.jpg',
      'last,https://cdn.example.com/last.jpg',
    ].join('\r\n');
    expect(await read(text)).toEqual([
      { externalId: 'sample', url: 'https://res.cloudinary.com/demo/image/upload/sample.jpg', filename: 'sample.jpg', line: 2 },
      { externalId: 'folder/a, b', url: 'https://cdn.example.com/w_10,h_10/a.jpg', filename: 'say "cheese".jpg', line: 3 },
      { url: 'https://cdn.example.com/no-id.jpg', line: 4 },
      { externalId: 'multi\r\nline', url: 'https://cdn.example.com/m.jpg', line: 5 },
      { externalId: 'last', url: 'https://cdn.example.com/last.jpg', line: 7 },
    ]);
  });

  it('names the line of each item the API would refuse, never repeating its URL', async () => {
    const secret = 'X-Amz-Signature=0123456789abcdef';
    const text = [
      'url,filename',
      `ftp://files.example.com/a.jpg?${secret}`,
      `https://u:p@example.com/a.jpg?${secret}`,
      `/relative.jpg?${secret}`,
      `https://example.com/${'a'.repeat(8200)}?${secret}`,
      'https://example.com/ok.jpg,ok.jpg,extra',
      `https://example.com/named.jpg,${'n'.repeat(256)}`,
      ',no-url.jpg',
    ].join('\n');
    const errors = (await read(text)).map((item) => ('error' in item ? item.error : item));
    expect(errors).toEqual([
      'line 2: a ftp: URL: only http and https URLs are imported',
      'line 3: the URL carries a user or password: use a public or presigned URL instead',
      'line 4: not an absolute URL (it must start with https:// or http://)',
      expect.stringMatching(/^line 5: the URL is 8\d{3} bytes long; an import takes URLs of at most 8192$/),
      'line 6: 3 fields, but the header names 2 (quote a field that holds a comma)',
      'line 7: the filename is longer than 255 characters',
      'line 8: no URL',
    ]);
    expect(errors.join('\n')).not.toContain(secret);
  });

  it('refuses a header with an unknown or repeated column, and a quoted field never closed', async () => {
    expect(await read('url,title\nhttps://example.com/a.jpg,A')).toEqual([
      { error: 'line 1: the header names "title": the columns are url, filename and externalId' },
    ]);
    expect(await read('url,URL\n')).toEqual([{ error: 'line 1: the header names url twice' }]);
    expect(await read('url,externalId\nhttps://example.com/a.jpg,"open\n\n')).toEqual([{ error: 'line 2: a quoted field is never closed' }]);
  });

  it('is empty when the text holds no URL', async () => {
    expect(await read('')).toEqual([]);
    expect(await read('\n# nothing yet\n')).toEqual([]);
    expect(await read('url,filename\n')).toEqual([]);
  });
});
