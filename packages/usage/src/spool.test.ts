import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { METER_INDEX } from './batch.js';
import { createSpoolWriter, databaseTagOf, parseSpoolFileName, readSpoolLines, spoolFileName, type SpoolFile } from './spool.js';
import { thisProcess } from './spool-owner.js';

const dir = mkdtempSync(join(tmpdir(), 'darkroom-spool-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = Date.UTC(2026, 10, 5, 14);
const tenant = '0b7c5a52-3f7e-4c1a-9d55-6f3b2a1c9e80';

describe('spool file names', () => {
  it('say whose batch a file holds, and read back', () => {
    const file: SpoolFile = {
      database: databaseTagOf('postgres://u:p@db:5432/darkroom'),
      owner: thisProcess(),
      processId: `api.${randomUUID()}`,
      sequence: 12,
    };
    expect(parseSpoolFileName(spoolFileName(file))).toEqual(file);
    const elsewhere = { host: 'worker-3.example', boot: 'ab12', pidNs: '4026531836', pid: 7, start: '-' };
    expect(parseSpoolFileName(spoolFileName({ ...file, owner: elsewhere }))?.owner).toEqual(elsewhere);
  });

  it('are not read into other files of the directory', () => {
    expect(parseSpoolFileName('.probe-123')).toBeNull();
    expect(parseSpoolFileName('notes.txt')).toBeNull();
  });

  it('tell databases apart by host, port and name, not by credentials', () => {
    const tag = databaseTagOf('postgres://postgres@127.0.0.1:5432/darkroom');
    expect(databaseTagOf('postgres://app:secret@127.0.0.1/darkroom')).toBe(tag);
    expect(databaseTagOf('postgres://postgres@127.0.0.1:5432/darkroom_test')).not.toBe(tag);
    expect(databaseTagOf('postgres://postgres@127.0.0.2:5432/darkroom')).not.toBe(tag);
  });
});

describe('spool lines', () => {
  it('add up to the sums the process held, by hour, tenant and meter', () => {
    const text = [
      `${HOUR} ${tenant} bucket_class_a 1`,
      `${HOUR} ${tenant} bucket_class_a 2`,
      `${HOUR} - bucket_class_c 1`,
      `${HOUR + 3_600_000} ${tenant} delivery_bytes 0.1`,
      `${HOUR + 3_600_000} ${tenant} delivery_bytes 0.2`,
      '',
    ].join('\n');
    const { batch, counts, unreadable } = readSpoolLines(text);
    expect({ counts, unreadable }).toEqual({ counts: 5, unreadable: 0 });
    expect(batch.get(HOUR)?.get(tenant)?.[METER_INDEX.bucket_class_a]).toBe(3);
    expect([...(batch.get(HOUR)?.get(null) ?? [])].filter((v) => v !== 0)).toEqual([1]);
    // The same additions in the same order: the very number a process would have flushed.
    expect([...(batch.get(HOUR + 3_600_000)?.get(tenant) ?? [])].filter((v) => v !== 0)).toEqual([0.1 + 0.2]);
  });

  it('leave out a last line cut short by a kill', () => {
    const { counts, unreadable } = readSpoolLines(`${HOUR} ${tenant} bucket_class_a 1\n${HOUR} ${tenant} bucket_cl`);
    expect({ counts, unreadable }).toEqual({ counts: 1, unreadable: 0 });
    expect(readSpoolLines(`${HOUR} ${tenant} bucket`).counts).toBe(0);
  });

  it('count as unreadable what is not a count, and add the rest', () => {
    const lines = [
      `${HOUR} ${tenant} bucket_class_a 1`,
      `${HOUR + 1} ${tenant} bucket_class_a 1`,
      `${HOUR} not-a-tenant bucket_class_a 1`,
      `${HOUR} ${tenant} stored_bytes 1`,
      `${HOUR} ${tenant} bucket_class_a`,
      `${HOUR} ${tenant} bucket_class_a NaN`,
      `${HOUR} ${tenant} bucket_class_a 1 2`,
      `${HOUR} ${tenant} constructor 1`,
    ];
    const { batch, counts, unreadable } = readSpoolLines(`${lines.join('\n')}\n`);
    expect({ counts, unreadable }).toEqual({ counts: 1, unreadable: 7 });
    expect(batch.get(HOUR)?.get(tenant)?.[METER_INDEX.bucket_class_a]).toBe(1);
  });
});

describe('the spool writer', () => {
  const place = { dir, database: databaseTagOf('postgres://127.0.0.1/writer') };
  const warnings: object[] = [];
  const log = { warn: (object: object) => void warnings.push(object) };

  it('appends each count to the file of its batch, and starts the next batch in a file of its own', () => {
    const writer = createSpoolWriter({ place, owner: thisProcess(), processId: `test.${randomUUID()}`, log });
    writer.append(1, HOUR, tenant, 'bucket_class_a', 1);
    writer.append(1, HOUR, null, 'bucket_class_b', 2);
    const first = writer.seal()!;
    expect(readFileSync(first, 'utf8')).toBe(`${HOUR} ${tenant} bucket_class_a 1\n${HOUR} - bucket_class_b 2\n`);
    expect(parseSpoolFileName(first.slice(dir.length + 1))?.sequence).toBe(1);
    writer.append(2, HOUR, tenant, 'presigned_urls_a', 1);
    const second = writer.seal()!;
    expect(parseSpoolFileName(second.slice(dir.length + 1))?.sequence).toBe(2);
    expect(readFileSync(second, 'utf8')).toBe(`${HOUR} ${tenant} presigned_urls_a 1\n`);
    // Nothing counted: no file.
    expect(writer.seal()).toBeNull();
  });

  it('warns once a batch when it cannot write, and never throws', () => {
    const writer = createSpoolWriter({
      place: { ...place, dir: join(dir, 'missing') },
      owner: thisProcess(),
      processId: `test.${randomUUID()}`,
      log,
    });
    const before = warnings.length;
    expect(() => {
      writer.append(1, HOUR, tenant, 'bucket_class_a', 1);
      writer.append(1, HOUR, tenant, 'bucket_class_a', 1);
    }).not.toThrow();
    expect(warnings.length).toBe(before + 1);
    writer.seal();
    writer.append(2, HOUR, tenant, 'bucket_class_a', 1);
    expect(warnings.length).toBe(before + 2);
    expect(readdirSync(dir)).not.toContain('missing');
  });
});
