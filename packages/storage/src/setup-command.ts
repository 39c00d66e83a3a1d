/**
 * `npm run storage:setup`: creates the buckets and their access rules from the environment.
 * npm runs workspace scripts inside the package folder, so `.env` is looked for where npm was
 * started (INIT_CWD, normally the repository root) before the current folder.
 */
import { describeEnvIssues, loadProjectDotEnv, uploadTtlSetting } from '@darkroom/core/env';
import { z } from 'zod';
import { parseStorageConfig } from './config.js';
import { StorageError } from './errors.js';
import { parseCorsOrigins, setupBuckets, type SetupSummary } from './setup.js';

function printSummary(summary: SetupSummary): void {
  for (const bucket of summary.buckets) console.log(`bucket ${bucket.name}: ${bucket.created ? 'created' : 'already there'}`);
  const { publicRead } = summary;
  const via = publicRead.via === 'policy' ? 'bucket policy' : 'bucket ACL public-read';
  console.log(`anonymous read: ${publicRead.resource} via ${via}, ${publicRead.verified ? 'verified' : 'NOT verified'}`);
  for (const { bucket, rules } of summary.cors) {
    const described = rules.map((r) => `${r.AllowedMethods?.join('/')} from ${r.AllowedOrigins?.join(', ')}`).join('; ');
    console.log(`CORS on ${bucket}: ${described}`);
  }
  for (const rule of summary.lifecycle) {
    const staging = rule.stagingDays === null ? '' : `, staging objects expired after ${rule.stagingDays} days`;
    console.log(
      `lifecycle on ${rule.bucket}: ${rule.applied ? `incomplete multipart uploads aborted after ${rule.days} days${staging}` : 'not supported through the S3 API'}`,
    );
  }
}

async function main(): Promise<void> {
  try {
    const file = loadProjectDotEnv();
    if (file) console.log(`Loaded ${file}`);
  } catch (err) {
    throw new Error(`Could not read .env: ${(err as Error).message}`);
  }
  const config = parseStorageConfig(process.env);
  const corsOrigins = parseCorsOrigins(process.env.CORS_ORIGINS);
  // Read as the API reads it: the lifecycle rules must outlast every upload the API lets run.
  const settings = z.object({ UPLOAD_TTL: uploadTtlSetting() }).safeParse(process.env);
  if (!settings.success) throw new Error(describeEnvIssues(settings.error.issues));
  const uploadTtlMs = settings.data.UPLOAD_TTL;
  console.log(`Setting up storage at ${config.endpoint} (region ${config.region})`);
  const summary = await setupBuckets(config, { corsOrigins, uploadTtlMs, log: (line) => console.log(line) });
  printSummary(summary);
  if (!summary.publicRead.verified) {
    throw new Error(`variants in ${summary.publicRead.bucket} are not readable without credentials, so browsers could not load them`);
  }
  console.log('Storage setup done.');
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  const hint = err instanceof StorageError && err.kind === 'unavailable' ? ' Is the S3 server running and S3_ENDPOINT right?' : '';
  console.error(`Storage setup failed: ${message}${hint}`);
  process.exitCode = 1;
});
