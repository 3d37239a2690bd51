// Worker side of the convert pool: extract and convert one page per message, nothing else.
import { parentPort } from 'node:worker_threads';
import { convertPage, type ConvertJob } from './convert-page.js';

parentPort?.on('message', ({ id, job }: { id: number; job: ConvertJob }) => {
  try {
    parentPort!.postMessage({ id, result: convertPage(job) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
