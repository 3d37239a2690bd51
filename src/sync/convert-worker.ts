// Worker side of the convert pool: one job per message (a page to convert, a listing page to read), nothing else.
import { parentPort } from 'node:worker_threads';
import { WORKER_JOBS, type JobKind } from './convert-page.js';
import { runInBackground } from './priority.js';

// Conversion can wait a moment; a response in the main thread should not (see priority.ts).
runInBackground();

parentPort?.on('message', ({ id, kind, job }: { id: number; kind: JobKind; job: never }) => {
  try {
    parentPort!.postMessage({ id, result: WORKER_JOBS[kind](job) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
