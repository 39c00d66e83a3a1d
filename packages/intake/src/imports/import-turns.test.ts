import { describe, expect, it } from 'vitest';
import { startTurn } from './import-turns.js';

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
