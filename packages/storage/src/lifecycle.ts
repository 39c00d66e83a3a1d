import {
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { translateS3Error } from './errors.js';

export const ABORT_INCOMPLETE_RULE_ID = 'darkroom-abort-incomplete-multipart';

export interface LifecycleSummary {
  bucket: string;
  /** Whether the bucket now aborts multipart uploads left incomplete for `days`. */
  applied: boolean;
  days: number;
}

async function currentRules(client: S3Client, bucket: string): Promise<LifecycleRule[]> {
  try {
    return (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (err) {
    // No configuration yet: the server answers NoSuchLifecycleConfiguration (404).
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return [];
    throw translateS3Error(err, { operation: 'GetBucketLifecycleConfiguration', bucket });
  }
}

/**
 * Adds (or updates) a rule that makes the bucket itself abort multipart uploads left incomplete for
 * `days`: a backstop under the worker's own sweep, for parts no process remembers. Other rules on
 * the bucket are kept. A server without lifecycle support through the S3 API (B2 sets lifecycle
 * rules in its own console) is reported as not applied, not an error.
 */
export async function applyAbortIncompleteUploadsRule(client: S3Client, bucket: string, days: number): Promise<LifecycleSummary> {
  try {
    const others = (await currentRules(client, bucket)).filter((rule) => rule.ID !== ABORT_INCOMPLETE_RULE_ID);
    const rule: LifecycleRule = {
      ID: ABORT_INCOMPLETE_RULE_ID,
      Status: 'Enabled',
      Filter: { Prefix: '' },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: days },
    };
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: [...others, rule] } }));
    return { bucket, applied: true, days };
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 501 || status === 405) return { bucket, applied: false, days };
    throw translateS3Error(err, { operation: 'PutBucketLifecycleConfiguration', bucket });
  }
}
