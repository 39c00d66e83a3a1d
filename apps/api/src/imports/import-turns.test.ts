import { describe, expect, it } from 'vitest';
import { TenantTurns } from './import-turns.js';

/** Turn numbers by tenant, as claimImport reads them (a tenant absent goes first, then the lowest turn). */
const byTenant = (turns: TenantTurns) => Object.fromEntries(turns.turns().map((t) => [t.tenantId, t.turn]));

describe('TenantTurns', () => {
  it('puts a tenant at the back each time it is served, so the one served longest ago comes first', () => {
    const turns = new TenantTurns();
    expect(turns.turns()).toEqual([]);
    for (const tenant of ['a', 'b', 'c']) turns.served(tenant);
    turns.served('a');
    const now = byTenant(turns);
    // b, then c, then a: each served once since the other two.
    expect(Object.keys(now).sort((x, y) => now[x]! - now[y]!)).toEqual(['b', 'c', 'a']);
    // A tenant never served has no turn: it goes before all of them.
    expect(now.d).toBeUndefined();
  });

  it('remembers a thousand tenants, forgetting the one served longest ago, which then goes first as a new one does', () => {
    const turns = new TenantTurns();
    for (let n = 0; n < 1001; n++) turns.served(`t${n}`);
    const now = byTenant(turns);
    expect(Object.keys(now)).toHaveLength(1000);
    expect(now.t0).toBeUndefined();
    expect(now.t1).toBeLessThan(now.t1000!);
  });
});
