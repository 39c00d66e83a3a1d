import { describe, expect, it } from 'vitest';
import type { FailedRow } from '../../services/admin/failed-jobs.js';
import { backfillsPage, failedPage, loginPage } from './dashboard.html.js';
import { expectEscaped, hostile } from '../../../../../test/support/escaping.js';

const row = (over: Partial<FailedRow> = {}): FailedRow => ({
  jobId: '0190d8f0-0000-7000-8000-000000000001',
  assetId: '0190d8f0-0000-7000-8000-000000000002',
  assetStatus: 'failed',
  tenantId: '0190d8f0-0000-7000-8000-000000000003',
  tenantName: hostile('tenant name'),
  filename: hostile('filename'),
  state: 'failed',
  errorCode: 'corrupt_image',
  errorMessage: hostile('error message'),
  errorDetail: hostile('error detail'),
  attempts: 3,
  maxAttempts: 3,
  finishedAt: new Date(0),
  ...over,
});

describe('console pages escape what tenants and users wrote', () => {
  it('login page: the message and the next path', () => {
    const page = loginPage({ nonce: 'n0nce', message: hostile('message'), next: hostile('next') });
    expectEscaped(page, ['message', 'next'], 0);
  });

  it('failed-jobs page: filename, tenant name, error message and detail, the filter and its notice', () => {
    const page = failedPage({
      nonce: 'n0nce',
      rows: [row(), row({ jobId: 'j2', errorCode: null, finishedAt: null })],
      filter: { tenantId: hostile('tenant filter'), errorCode: '' },
      errorCodes: ['corrupt_image'],
      nextCursor: hostile('cursor'),
      notice: hostile('notice'),
    });
    // The cursor goes into a query string (URL-encoded there), the rest into text and attributes.
    expectEscaped(page, ['filename', 'tenant name', 'error message', 'error detail', 'tenant filter', 'notice'], 1);
    expect(page).toContain('<script nonce="n0nce">');
  });

  it('backfills page: preset and state', () => {
    const backfill = {
      id: 'b1',
      preset: hostile('preset'),
      state: hostile('state'),
      matched: 1,
      queued: 1,
      skipped: 0,
      done: 0,
      failed: 0,
      scanDone: true,
      createdAt: new Date(0),
      finishedAt: null,
    };
    expectEscaped(backfillsPage({ nonce: 'n0nce', rows: [backfill] }), ['preset', 'state'], 0);
  });
});
