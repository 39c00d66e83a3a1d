import {
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { STAGING_PREFIX } from '@darkroom/core/keys';
import { translateS3Error } from './errors.js';

export const ABORT_INCOMPLETE_RULE_ID = 'darkroom-abort-incomplete-multipart';
export const EXPIRE_STAGING_RULE_ID = 'darkroom-expire-staging';

export interface LifecycleDays {
  /** Multipart uploads left incomplete this many days are aborted. */
  abortIncompleteDays: number;
  /** Staging objects (what presigned URLs wrote) expire after this many days; null: no rule (no uploads land in this bucket). */
  stagingDays: number | null;
}

export interface LifecycleSummary {
  bucket: string;
  /** Whether the bucket took the rules (false: the server takes none through the S3 API). */
  applied: boolean;
  days: number;
  stagingDays: number | null;
}

const OUR_RULES = new Set([ABORT_INCOMPLETE_RULE_ID, EXPIRE_STAGING_RULE_ID]);

async function currentRules(client: S3Client, bucket: string): Promise<LifecycleRule[]> {
  try {
    return (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (err) {
    // No configuration yet: the server answers NoSuchLifecycleConfiguration (404).
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return [];
    throw translateS3Error(err, { operation: 'GetBucketLifecycleConfiguration', bucket });
  }
}

function darkroomRules(days: LifecycleDays): LifecycleRule[] {
  const rules: LifecycleRule[] = [
    {
      ID: ABORT_INCOMPLETE_RULE_ID,
      Status: 'Enabled',
      Filter: { Prefix: '' },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: days.abortIncompleteDays },
    },
  ];
  if (days.stagingDays !== null) {
    rules.push({
      ID: EXPIRE_STAGING_RULE_ID,
      Status: 'Enabled',
      Filter: { Prefix: STAGING_PREFIX },
      Expiration: { Days: days.stagingDays },
      // On a versioned bucket an expiry only hides the object; this frees the hidden version too.
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    });
  }
  return rules;
}

/**
 * Adds (or updates) the bucket's own backstops under the worker's sweeps: abort multipart uploads
 * left incomplete, and expire staging objects (a PUT through an old upload URL lands there, and
 * nothing reads it). Other rules on the bucket are kept. A server without lifecycle support through
 * the S3 API (B2 sets lifecycle rules in its own console) is reported as not applied, not an error.
 */
export async function applyLifecycleRules(client: S3Client, bucket: string, days: LifecycleDays): Promise<LifecycleSummary> {
  const summary = { bucket, days: days.abortIncompleteDays, stagingDays: days.stagingDays };
  try {
    const others = (await currentRules(client, bucket)).filter((rule) => !OUR_RULES.has(rule.ID ?? ''));
    const Rules = [...others, ...darkroomRules(days)];
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules } }));
    return { ...summary, applied: true };
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 501 || status === 405) return { ...summary, applied: false };
    throw translateS3Error(err, { operation: 'PutBucketLifecycleConfiguration', bucket });
  }
}
