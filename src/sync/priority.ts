// Thread priorities on Linux, where each thread has its own nice value and id (/proc/thread-self).
// Elsewhere every function here does nothing: threads keep the process's priority.
import { readdirSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Nice value of everything but the thread that sends requests and takes responses. Conversion,
 * V8's compilers and garbage-collection helpers, and file writes can wait a moment when the cores
 * are busy; a response should not wait for a core behind them.
 */
export const BACKGROUND_NICE = 10;

/** The calling thread's id, or undefined where threads have none to see. */
function ownThreadId(): number | undefined {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

function lower(threadId: number): void {
  try {
    setPriority(threadId, BACKGROUND_NICE);
  } catch {
    // Not allowed (a sandbox), or the thread has just ended: it runs at the process's priority.
  }
}

/** Runs the calling thread (a convert worker) at {@link BACKGROUND_NICE}. */
export function runInBackground(): void {
  const id = ownThreadId();
  if (id !== undefined) lower(id);
}

/**
 * Runs every other thread of the process at {@link BACKGROUND_NICE}: those started with it (V8's
 * compilers and garbage-collection helpers, libuv's file-system threads). For the CLI, which owns
 * its process: `cabsync sync` calls it before it starts. Threads started later (the convert workers)
 * lower themselves.
 */
export function runOtherThreadsInBackground(): void {
  const own = ownThreadId();
  if (own === undefined) return;
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const id of threads.map(Number)) if (id !== own) lower(id);
}
