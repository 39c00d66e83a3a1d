import { describe, expect, it } from 'vitest';
import { startTurn, TenantTurns } from './import-turns.js';

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

describe('a run’s turn', () => {
  it('is over once it has lasted its length and another import waits; with none waiting, another turn begins', async () => {
    let clock = 0;
    let waiting = false;
    let asked = 0;
    const othersWaiting = async () => {
      asked++;
      return waiting;
    };
    const turn = startTurn({ ms: 1000, othersWaiting }, () => clock);
    clock = 999;
    expect(await turn.over()).toBe(false);
    expect(asked).toBe(0);
    clock = 1000;
    expect(await turn.over()).toBe(false);
    // A new turn from 1000: not asked again before 2000.
    waiting = true;
    clock = 1999;
    expect(await turn.over()).toBe(false);
    expect(asked).toBe(1);
    clock = 2000;
    expect(await turn.over()).toBe(true);
    expect(await startTurn(undefined).over()).toBe(false);
  });
});
