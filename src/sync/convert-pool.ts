import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ConvertJob, Converted } from './convert-page.js';

/** Runs extract → convert, on worker threads when there is a core to spare. */
export interface ConvertPool {
  convert(job: ConvertJob): Promise<Converted>;
  close(): Promise<void>;
}

export interface ConvertPoolOptions {
  /** Longest one page may take; the worker is then replaced and the page fails. Default 60 s. */
  timeoutMs?: number;
}

// The compiled worker; absent when the sources run uncompiled (tests), where work stays in-process.
const WORKER = fileURLToPath(new URL('./convert-worker.js', import.meta.url));

interface Task {
  job: ConvertJob;
  resolve: (converted: Converted) => void;
  reject: (error: Error) => void;
}

interface Slot {
  thread: Worker;
  task?: Task;
  timer?: NodeJS.Timeout;
}

/**
 * A pool of `size` workers (default: one per core beyond the main thread, which keeps fetching,
 * deduping and writing), one page per worker at a time. A page that takes longer than the timeout
 * fails and its worker is replaced, so no page can stall a sync. With `size` 0, or no compiled
 * worker, pages convert in-process.
 */
export function createConvertPool(size = availableParallelism() - 1, options: ConvertPoolOptions = {}): ConvertPool {
  if (size < 1 || !existsSync(WORKER)) return inProcess();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const queue: Task[] = [];
  const slots = new Set<Slot>();
  let closed = false;

  const finish = (slot: Slot, settle: (task: Task) => void): void => {
    clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = undefined;
    if (task) settle(task);
    pump();
  };
  const retire = (slot: Slot, error: Error): void => {
    slots.delete(slot);
    void slot.thread.terminate();
    finish(slot, (task) => task.reject(error));
  };
  const start = (): Slot => {
    // Started on demand: a sync with nothing to convert never pays for a thread. A small young
    // generation keeps the thread's memory close to what one page needs.
    const slot: Slot = { thread: new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: 4 } }) };
    slot.thread.on('message', ({ result, error }: { result?: Converted; error?: string }) =>
      finish(slot, (task) => (error === undefined ? task.resolve(result!) : task.reject(new Error(error)))),
    );
    slot.thread.on('error', (error) => retire(slot, error));
    slot.thread.on('exit', (code) => {
      if (slots.has(slot)) retire(slot, new Error(`convert worker exited (code ${code})`));
    });
    slots.add(slot);
    return slot;
  };
  const pump = (): void => {
    while (!closed && queue.length > 0) {
      const slot = [...slots].find((s) => !s.task) ?? (slots.size < size ? start() : undefined);
      if (!slot) return;
      const task = queue.shift()!;
      slot.task = task;
      slot.timer = setTimeout(() => retire(slot, new Error(`extract and convert took longer than ${timeoutMs} ms`)), timeoutMs);
      slot.thread.postMessage({ id: 0, job: task.job });
    }
  };

  return {
    convert: (job) =>
      new Promise((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      }),
    close: async () => {
      closed = true;
      const threads = [...slots].map((slot) => slot.thread);
      slots.clear();
      await Promise.all(threads.map((thread) => thread.terminate()));
    },
  };
}

// Extract and convert load only where pages are converted: on the main thread only without workers.
function inProcess(): ConvertPool {
  let load: Promise<typeof import('./convert-page.js')> | undefined;
  return {
    convert: async (job) => (await (load ??= import('./convert-page.js'))).convertPage(job),
    close: async () => undefined,
  };
}
