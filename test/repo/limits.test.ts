import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One place per limit: `packages/core/src/limits.ts` holds every limit more than one place reads, and
 * the shipped source reads it from there. A literal copy of one of them coming back (in code, not a
 * comment) fails here, naming the file, the line and the constant to read instead.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const LIMITS_FILE = 'packages/core/src/limits.ts';

interface Copy {
  /** The constant (in limits.ts) to read instead. */
  limit: string;
  /** A line holding a copy of it. */
  copy: RegExp;
  /** A line as it would be written were the copy back, which `copy` must catch. */
  example: string;
}

const COPIES: Copy[] = [
  {
    limit: 'S3_MAX_PARTS, MAX_IMPORT_ITEMS or VARIANT_BOX',
    copy: /\b10_?000\b.*(?:part|item|\.max\(|\.min\(|box|width|height)|(?:part|item|\.max\(|\.min\(|box|width|height).*\b10_?000\b/i,
    example: 'partNumber: z.number().int().min(1).max(10_000),',
  },
  {
    limit: 'S3_MIN_PART_BYTES, S3_MAX_PART_BYTES or S3_MAX_COPY_OBJECT_BYTES',
    copy: /\b5 \* (?:1024 \* )*(?:KiB|MiB|GiB|1024)\b/,
    example: 'const MIN_PART = 5 * MiB;',
  },
  { limit: 'S3_MAX_OBJECT_BYTES', copy: /\b5 \* (?:1024 \*\* 4|TiB)\b/, example: 'const MAX_OBJECT_BYTES = 5 * 1024 ** 4;' },
  { limit: 'DEFAULT_COPY_PART_BYTES', copy: /(?:copy|part).*\b256 \* (?:MiB|1024 \* 1024)\b/i, example: 'COPY_PART_SIZE: bytes(256 * MiB),' },
  { limit: 'DEFAULT_VIDEO_MAX_PIXELS', copy: /\b8_?847_?360\b|\b4096 \* 2160\b/, example: 'VIDEO_MAX_PIXELS: z.coerce.number().default(8_847_360),' },
  { limit: 'DEFAULT_MAX_INPUT_PIXELS', copy: /\b100_?000_?000\b/, example: 'export const DEFAULT_MAX_INPUT_PIXELS = 100_000_000;' },
  {
    limit: 'DEFAULT_VIDEO_MAX_DURATION, DEFAULT_AUDIO_MAX_DURATION or DEFAULT_UPLOAD_TTL',
    copy: /(?:VIDEO_MAX_DURATION|AUDIO_MAX_DURATION|UPLOAD_TTL)\b.*['"]\d+[a-z]*['"]/,
    example: "UPLOAD_TTL: durationSetting('24h', 1000),",
  },
  { limit: 'BODY_LIMIT_BYTES', copy: /(?:body|limit).*\b64 \* (?:KiB|1024)\b/i, example: 'bodyLimit: 64 * 1024,' },
  {
    limit: 'MAX_METADATA_BYTES or CONSOLE_FORM_LIMIT_BYTES',
    copy: /(?:metadata|form).*(?:\b4096\b|\b4 \* (?:KiB|1024)\b)/i,
    example: 'const MAX_METADATA_BYTES = 4096;',
  },
  { limit: 'MAX_METADATA_DEPTH', copy: /metadata_?depth.*=\s*\d/i, example: 'const MAX_METADATA_DEPTH = 10;' },
  {
    limit: 'MAX_DELIVERY_DIMENSION or TENANT_VARIANT_BOX',
    copy: /\b8_?192\b/,
    example: 'const VariantSpecBody = variantSpecSchema({ min: 16, max: 8192 });',
  },
  {
    limit: 'MAX_FILENAME_LENGTH or MAX_CONTENT_TYPE_LENGTH',
    copy: /^(?!.*bucket).*(?:\.max\(255\)|slice\(0, 255\)|\b255;)/i,
    example: 'filename: z.string().min(1).max(255),',
  },
  {
    limit: 'MAX_IMPORT_EXTERNAL_ID_LENGTH',
    copy: /\.max\(512\)|EXTERNAL_ID\w* = 512/,
    example: 'externalId: z.string().min(1).max(512).optional(),',
  },
  { limit: 'MAX_IMPORT_URL_BYTES', copy: /url.*\b8 \* (?:KiB|1024)\b/i, example: 'export const MAX_URL_BYTES = 8 * 1024;' },
  {
    limit: 'MAX_IMPORT_BODY_BYTES',
    copy: /(?:import|body).*\b16 \* (?:1024 \* 1024|MiB)\b/i,
    example: 'export const MAX_IMPORT_BODY_BYTES = 16 * 1024 * 1024;',
  },
  { limit: 'MAX_IMPORT_ENDPOINT_LENGTH', copy: /endpoint.*\b2048\b/i, example: 'endpoint: z.string().min(1).max(2048).optional(),' },
  { limit: 'KiB, MiB or GiB', copy: /\b(?:const|let)\s+(?:KiB|MiB|GiB|KB|MB|GB)\s*=/, example: 'const MiB = 1024 * 1024;' },
  { limit: 'MAX_IMPORT_REDIRECTS', copy: /REDIRECTS\s*=\s*\d/, example: 'export const MAX_IMPORT_REDIRECTS = 3;' },
];

/** The TypeScript the apps and packages ship: their `src/`, tests and generated files aside. */
function shippedSources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'generated' && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.(test|int\.test|typecheck)\.ts$/.test(entry.name)) files.push(path);
    }
  };
  for (const group of ['apps', 'packages']) {
    for (const workspace of readdirSync(join(ROOT, group))) {
      const src = join(ROOT, group, workspace, 'src');
      try {
        walk(src);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
  return files.map((path) => relative(ROOT, path)).filter((path) => path !== LIMITS_FILE && !path.endsWith('test-fixtures.ts'));
}

/** A line's code: comment lines are dropped, a trailing `//` comment cut. */
function codeOf(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('*') || trimmed.startsWith('/*') || trimmed.startsWith('//')) return '';
  return line.replace(/\s\/\/\s.*$/, '');
}

describe('limits are written once, in packages/core/src/limits.ts', () => {
  it.each(COPIES.map((c) => [c.limit, c] as const))('a copy of %s is caught', (_limit, c) => {
    expect(c.copy.test(codeOf(c.example))).toBe(true);
  });

  it('no shipped source holds a literal copy of one', () => {
    const found: string[] = [];
    for (const file of shippedSources()) {
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const code = codeOf(line);
          for (const c of COPIES) if (c.copy.test(code)) found.push(`${file}:${index + 1} (read ${c.limit}): ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('limits.ts holds each value the copies above look for', () => {
    const limits = readFileSync(join(ROOT, LIMITS_FILE), 'utf8');
    for (const c of COPIES) for (const name of c.limit.split(/, | or /)) expect(limits).toMatch(new RegExp(`export const ${name}\\b`));
  });
});
