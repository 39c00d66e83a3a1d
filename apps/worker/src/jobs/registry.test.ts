import { JOB_KINDS } from '@darkroom/core/contract/job';
import { JobName } from '@darkroom/core/queue';
import { describe, expect, it } from 'vitest';
import { checkJobTable, JOBS, jobTableRefusal } from './registry.js';

describe('the job table', () => {
  it('has a row for every job name and every job row kind, each name once', () => {
    expect(jobTableRefusal(JOBS)).toBeNull();
    expect(JOBS.map((row) => row.name).sort()).toEqual(Object.values(JobName).sort());
  });

  it('refuses to boot, in one line naming the kind and the fix, when a job kind has no handler', () => {
    const withoutParts = JOBS.filter((row) => row.name !== JobName.ChunkRender);
    expect(jobTableRefusal(withoutParts)).toBe(
      'darkroom worker: no handler for job kind ChunkRender: add its row to JOBS in apps/worker/src/jobs/registry.ts',
    );
    expect(() => checkJobTable(withoutParts)).toThrow(/^darkroom worker: no handler for job kind ChunkRender: add its row/);
  });

  it("refuses a job row kind that no lane takes (a kind added to @darkroom/db's jobs without its handler)", () => {
    const known = { names: Object.values(JobName), rowKinds: [...JOB_KINDS, 'moderate'] };
    expect(jobTableRefusal(JOBS, known)).toBe(
      "darkroom worker: no handler for job kind moderate (a jobs row's kind): add its row to JOBS in apps/worker/src/jobs/registry.ts",
    );
  });

  it('refuses a job name given two rows', () => {
    expect(jobTableRefusal([...JOBS, JOBS[0]])).toBe(
      'darkroom worker: job kind AssetProcess has two rows in JOBS (apps/worker/src/jobs/registry.ts): keep one',
    );
  });
});
