import type { Tenant } from '@darkroom/db/schema';
import { describe, expect, it } from 'vitest';
import { expectEscaped, hostile } from '../../../../../test/support/escaping.js';
import { tenantsPage } from './tenants.html.js';

const tenant = (name: string, defaultPreset: string | null) =>
  ({ id: '0190d8f0-0000-7000-8000-000000000020', name, defaultPreset, createdAt: new Date(0) }) as unknown as Tenant;

describe('tenants page', () => {
  it('escapes the tenant name, its preset, the filter and the notice', () => {
    const page = tenantsPage({
      nonce: 'n0nce',
      query: hostile('filter'),
      notice: hostile('notice'),
      limit: 100,
      tenants: [tenant(hostile('tenant name'), hostile('preset'))],
    });
    expectEscaped(page, ['tenant name', 'preset', 'filter', 'notice'], 1);
  });

  it('gives each tenant an upload button and says when the list is cut short', () => {
    const page = tenantsPage({ nonce: 'n0nce', query: '', limit: 1, tenants: [tenant('Acme', null)] });
    expect(page).toContain('<tr data-tenant-id="0190d8f0-0000-7000-8000-000000000020">');
    expect(page).toContain('<button class="upload primary" type="button">Upload files</button>');
    expect(page).toContain('The 1 newest are shown');
    expect(tenantsPage({ nonce: 'n0nce', query: 'x', limit: 100, tenants: [] })).toContain('No tenants match this filter.');
  });
});
