import { closeSync, fstatSync, futimesSync, linkSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import { dirname, join } from 'node:path';
import type { Lock, LockOptions } from './lock.js';
import type { LockInfo } from './lock-takeover.js';

// A held lock: its heartbeat, its release, and the process-wide SIGINT/SIGTERM and exit handlers that
// release every lock this process holds (see lock.ts for the design).

interface Held {
  path: string;
  fd: number;
  ino: number;
  dev: number;
  released: boolean;
  signals: boolean;
  compromised?: Error;
  timer?: NodeJS.Timeout;
}

export function hold(path: string, fd: number, info: LockInfo, options: LockOptions): Lock {
  const stat = fstatSync(fd);
  const state: Held = { path, fd, ino: stat.ino, dev: stat.dev, released: false, signals: options.signals ?? true };
  const onCompromised = options.onCompromised ?? ((error: Error) => process.emitWarning(error));
  const compromise = (why: string): void => {
    const error = new Error(
      `the lock ${path} (pid ${info.pid}, started ${info.startedAt}) ${why}: this process no longer holds it`,
    );
    error.name = 'LockCompromisedError';
    state.compromised = error;
    forget(state);
    try {
      onCompromised(error);
    } catch {
      // Never let a callback crash the process from a timer.
    }
  };
  state.timer = setInterval(() => {
    if (state.released || state.compromised) return;
    try {
      const current = statSync(path);
      if (current.ino !== state.ino || current.dev !== state.dev)
        return compromise('was taken over by another process');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return compromise('was removed');
      return; // A passing I/O error: try again next beat.
    }
    try {
      touch(fd);
    } catch {
      // As above.
    }
  }, info.updateMs);
  state.timer.unref();
  remember(state);
  return {
    path,
    get compromised() {
      return state.compromised;
    },
    release: () => Promise.resolve(releaseSync(state)),
  };
}

/** Releases synchronously (signal handlers and `exit` listeners cannot wait). Idempotent. */
function releaseSync(state: Held): void {
  if (state.released) return;
  state.released = true;
  forget(state);
  if (!state.compromised) {
    try {
      const current = statSync(state.path);
      if (current.ino === state.ino && current.dev === state.dev) {
        // Move it aside, then check what was moved: if a taker replaced our lock in between, put theirs back.
        const aside = join(dirname(state.path), `lock.${randomBytes(6).toString('hex')}.old`);
        renameSync(state.path, aside);
        const moved = statSync(aside);
        if (moved.ino !== state.ino || moved.dev !== state.dev) {
          try {
            linkSync(aside, state.path);
          } catch {
            // Yet another lock was made meanwhile: the one we moved is its taker's to notice (compromised).
          }
        }
        unlinkQuietly(aside);
      }
    } catch {
      // Gone already, or not ours: nothing to release.
    }
  }
  closeQuietly(state.fd);
}

// Locks held by this process: released on SIGINT/SIGTERM (then the process exits 130/143) and on exit.
const heldLocks = new Set<Held>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let signalsInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const state of [...heldLocks]) releaseSync(state);
  process.exit(128 + (osConstants.signals[signal] ?? 0));
}

function onExit(): void {
  for (const state of [...heldLocks]) releaseSync(state);
}

function remember(state: Held): void {
  if (heldLocks.size === 0) process.on('exit', onExit);
  heldLocks.add(state);
  syncSignalHandlers();
}

function forget(state: Held): void {
  if (state.timer) clearInterval(state.timer);
  if (!heldLocks.delete(state)) return;
  if (heldLocks.size === 0) process.off('exit', onExit);
  syncSignalHandlers();
}

/** Signal handlers are installed while a lock that asked for them is held, and removed after. */
function syncSignalHandlers(): void {
  const wanted = [...heldLocks].some((state) => state.signals);
  if (wanted === signalsInstalled) return;
  signalsInstalled = wanted;
  for (const signal of SIGNALS) {
    if (wanted) process.on(signal, onSignal);
    else process.off(signal, onSignal);
  }
}

export function touch(fd: number): void {
  const now = new Date();
  futimesSync(fd, now, now);
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
