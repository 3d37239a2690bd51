import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ListingJob, ListingPage } from '../discover/listing.js';
import type { ConvertJob, Converted, JobInput, JobKind, JobOutput } from './convert-page.js';

/** Runs extract → convert (and listing pages' reading), on worker threads when there is a core to spare. */
export interface ConvertPool {
  convert(job: ConvertJob): Promise<Converted>;
  listing(job: ListingJob): Promise<ListingPage>;
  /** Starts the threads now rather than at the first job, when jobs are sure to come. */
  warm(): void;
  close(): Promise<void>;
}

export interface ConvertPoolOptions {
  /** Longest one page may take; the worker is then replaced and the page fails. Default 60 s. */
  timeoutMs?: number;
}

/**
 * A worker's young generation: large enough that one page's parse tree dies young (at 4 MB a quarter
 * of a worker's busy time went to garbage collection), small enough to keep a thread near 40 MB.
 */
const YOUNG_GENERATION_MB = 16;

// The compiled worker; absent when the sources run uncompiled (tests), where work stays in-process.
const WORKER = fileURLToPath(new URL('./convert-worker.js', import.meta.url));

interface Task {
  kind: JobKind;
  job: unknown;
  resolve: (result: unknown) => void;
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
    // Started on demand (or by warm): a sync with nothing to convert never pays for a thread.
    const slot: Slot = {
      thread: new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }),
    };
    slot.thread.on('message', ({ result, error }: { result?: unknown; error?: string }) =>
      finish(slot, (task) => (error === undefined ? task.resolve(result) : task.reject(new Error(error)))),
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
      slot.timer = setTimeout(
        () => retire(slot, new Error(`extract and convert took longer than ${timeoutMs} ms`)),
        timeoutMs,
      );
      slot.thread.postMessage({ id: 0, kind: task.kind, job: task.job });
    }
  };

  const run = <K extends JobKind>(kind: K, job: JobInput<K>): Promise<JobOutput<K>> =>
    new Promise((resolve, reject) => {
      queue.push({ kind, job, resolve: resolve as (result: unknown) => void, reject });
      pump();
    });
  return {
    convert: (job) => run('page', job),
    listing: (job) => run('listing', job),
    warm: () => {
      while (!closed && slots.size < size) start();
    },
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
  const run = async <K extends JobKind>(kind: K, job: JobInput<K>): Promise<JobOutput<K>> => {
    const { WORKER_JOBS } = await (load ??= import('./convert-page.js'));
    return (WORKER_JOBS[kind] as (input: JobInput<K>) => JobOutput<K>)(job);
  };
  return {
    convert: (job) => run('page', job),
    listing: (job) => run('listing', job),
    // A failed import is reported by the job that awaits it.
    warm: () => void (load ??= import('./convert-page.js')).catch(() => undefined),
    close: () => Promise.resolve(),
  };
}
