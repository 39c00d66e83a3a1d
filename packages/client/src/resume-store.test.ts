import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DarkroomClient } from './index.js';
import { rememberUpload } from './previous-uploads.js';
import { contexts } from './client.js';
import { fileResumeStore } from './resume-file.js';
import { memoryResumeStore, parseRecords, textResumeStore, type PreviousUpload, type ResumeStore } from './resume-store.js';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const file = (name: string, size = 100, lastModified = 1) => ({ name, size, lastModified });

function clientWith(store: ResumeStore, token = 'dut_aaaaaaaaaaaaaaaa') {
  const client = new DarkroomClient({ baseUrl: 'https://media.example.com', token, resumeStore: store });
  return { client, ctx: contexts.get(client)! };
}

describe('findPreviousUploads', () => {
  it("finds this client's unfinished uploads, a file's own by its name, size and last modification", async () => {
    const store = memoryResumeStore();
    const { client, ctx } = clientWith(store);
    await rememberUpload(ctx, file('a.jpg'), 'asset-a', inAnHour());
    await rememberUpload(ctx, file('b.jpg'), 'asset-b', inAnHour());
    expect((await client.findPreviousUploads()).map((p) => p.assetId).sort()).toEqual(['asset-a', 'asset-b']);
    expect((await client.findPreviousUploads(file('a.jpg'))).map((p) => p.assetId)).toEqual(['asset-a']);
    // The same name with another size or date is another file.
    expect(await client.findPreviousUploads(file('a.jpg', 101))).toEqual([]);
    expect(await client.findPreviousUploads(file('a.jpg', 100, 2))).toEqual([]);
  });

  it('keeps another token’s uploads from it, and drops those past their expiry', async () => {
    const store = memoryResumeStore();
    const mine = clientWith(store);
    const theirs = clientWith(store, 'dut_bbbbbbbbbbbbbbbb');
    await rememberUpload(theirs.ctx, file('a.jpg'), 'theirs', inAnHour());
    await rememberUpload(mine.ctx, file('a.jpg'), 'expired', new Date(Date.now() - 1000).toISOString());
    expect(await mine.client.findPreviousUploads(file('a.jpg'))).toEqual([]);
    expect((await store.list()).map((r) => r.assetId)).toEqual(['theirs']);
    // Never the token itself in a record.
    expect(JSON.stringify(await store.list())).not.toContain('dut_');
  });

  it('keeps nothing with resumeStore: false', async () => {
    const client = new DarkroomClient({ baseUrl: 'https://media.example.com', token: 'dk_x', resumeStore: false });
    await rememberUpload(contexts.get(client)!, file('a.jpg'), 'a', inAnHour());
    expect(await client.findPreviousUploads()).toEqual([]);
  });
});

describe('resume stores', () => {
  const record = (assetId: string): PreviousUpload => ({
    assetId,
    owner: 'o',
    fingerprint: 'f',
    filename: 'a.jpg',
    size: 1,
    startedAt: new Date().toISOString(),
    expiresAt: inAnHour(),
  });

  it('a text store applies changes one after another, so uploads started together all stay', async () => {
    let text: string | null = null;
    const store = textResumeStore(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return text;
      },
      async (next) => {
        text = next;
      },
    );
    await Promise.all(['a', 'b', 'c'].map((id) => store.add(record(id))));
    await store.remove('b');
    expect((await store.list()).map((r) => r.assetId)).toEqual(['a', 'c']);
  });

  it('reads what it cannot parse as no records', () => {
    expect(parseRecords('not json')).toEqual([]);
    expect(parseRecords('[{"assetId":1}]')).toEqual([]);
  });

  it('a file store keeps its records across processes (a second store on the same file)', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'darkroom-resume-')), 'uploads.json');
    expect(await fileResumeStore(path).list()).toEqual([]);
    await fileResumeStore(path).add(record('a'));
    expect((await fileResumeStore(path).list()).map((r) => r.assetId)).toEqual(['a']);
    expect(JSON.parse(await readFile(path, 'utf8'))).toHaveLength(1);
  });
});
