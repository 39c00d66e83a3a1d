/** `@darkroom/client/node`: what only Node has (a file), kept out of the browsers' entry point. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { textResumeStore, type ResumeStore } from './resume-store.js';

/** Unfinished uploads kept in a JSON file, so a process started again can resume them (`resumeStore: fileResumeStore(path)`). */
export function fileResumeStore(path: string): ResumeStore {
  return textResumeStore(
    () => readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error))),
    async (text) => {
      // Written aside, then renamed over: a crash mid-write leaves the old file, not half a new one.
      await writeFile(`${path}.tmp`, text);
      await rename(`${path}.tmp`, path);
    },
  );
}

export type { PreviousUpload, ResumeStore } from './resume-store.js';
