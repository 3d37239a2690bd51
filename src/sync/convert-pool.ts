import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { convertPage, type ConvertJob, type Converted } from './convert-page.js';

/** Runs extract → convert, on worker threads when there is a core to spare. */
export interface ConvertPool {
  convert(job: ConvertJob): Promise<Converted>;
  close(): Promise<void>;
}

// The compiled worker; absent when the sources run uncompiled (tests), where work stays in-process.
const WORKER = fileURLToPath(new URL('./convert-worker.js', import.meta.url));

/**
 * A pool of `size` workers (default: one per core beyond the main thread, which keeps fetching,
 * deduping and writing). With `size` 0, or no compiled worker, pages convert in-process.
 */
export function createConvertPool(size = availableParallelism() - 1): ConvertPool {
  if (size < 1 || !existsSync(WORKER)) return { convert: async (job) => convertPage(job), close: async () => undefined };
  // Started on the first page: a sync with nothing to convert never pays for a thread.
  const workers: PoolWorker[] = [];
  let next = 0;
  return {
    convert: (job) => {
      // A worker that died is replaced by a fresh one.
      for (const dead of workers.filter((w) => w.dead())) workers.splice(workers.indexOf(dead), 1);
      if (workers.length < size) workers.push(startWorker());
      const worker = workers.reduce((best, w) => (w.pending.size < best.pending.size ? w : best), workers[next++ % workers.length]!);
      return worker.run(job);
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.thread.terminate()));
    },
  };
}

interface PoolWorker {
  thread: Worker;
  pending: Map<number, { resolve: (c: Converted) => void; reject: (e: Error) => void }>;
  dead(): boolean;
  run(job: ConvertJob): Promise<Converted>;
}

function startWorker(): PoolWorker {
  // A small young generation keeps the thread's memory close to what one page needs.
  const thread = new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const pending: PoolWorker['pending'] = new Map();
  let ids = 0;
  thread.on('message', ({ id, result, error }: { id: number; result?: Converted; error?: string }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (error !== undefined) waiter?.reject(new Error(error));
    else waiter?.resolve(result!);
  });
  // A worker that dies takes its pages with it: they fail with the cause, the sync goes on,
  // and later pages convert in-process.
  let dead = false;
  const bury = (error: Error) => {
    dead = true;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  thread.on('error', bury);
  thread.on('exit', (code) => bury(new Error(`convert worker exited (code ${code})`)));
  return {
    thread,
    pending,
    dead: () => dead,
    run: (job) => {
      if (dead) return Promise.resolve().then(() => convertPage(job));
      return new Promise((resolve, reject) => {
        const id = ids++;
        pending.set(id, { resolve, reject });
        thread.postMessage({ id, job });
      });
    },
  };
}
