import {
  closeSync,
  fstatSync,
  fsyncSync,
  futimesSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { constants as osConstants, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { LockHeldError, UsageError } from '../errors.js';
import { refuseLinkedFolder } from './write-post.js';

/*
 * The archive lock is a lease kept alive by a heartbeat, the idea of npm's `proper-lockfile`: the holder
 * refreshes the lock file's mtime every `updateMs`, and a lock not refreshed for `staleMs` is stale and
 * may be taken over. Whether the holder's pid is alive is never asked: a pid says nothing across PID
 * namespaces (every container run is pid 1 or so), hosts, or after the pid is recycled, and a process
 * killed with SIGKILL lingers as a zombie. The pid and host in the file only name the holder in messages.
 *
 * Not proper-lockfile itself: its stale takeover (stat, rmdir, mkdir) lets two processes that find the
 * same stale lock both win (moxystudio/node-proper-lockfile#121), its default onCompromised throws from
 * a timer, and its lock is a directory where ours is a file holding who holds it. So the same idea is
 * written here with node:fs, with a takeover that has one winner:
 *
 * - A lock is created whole (temp file, fsync, hard link to `lock`: fails if `lock` exists).
 * - Every lock carries a random token. Taking over the stale lock with token T first needs a claim
 *   `lock.T.claim1`, created exclusively (O_EXCL): of all processes that found T stale, one gets it.
 *   Under the claim it checks that `lock` still holds T and is still stale, then renames its own new lock
 *   over it. Nobody else can replace T meanwhile (they would need the claim), and nobody can create
 *   `lock` while T is there. A claim whose taker died (older than the stale time) gives way to
 *   `lock.T.claim2`, and so on: a claim is never removed while someone may still act on it.
 * - Heartbeat and release act on the holder's own inode (an fd kept open, so the inode number cannot
 *   be reused): the heartbeat touches only its own file and reports the lock compromised when `lock` is
 *   another inode or gone; release moves `lock` aside, removes it if it is its own, and links it back
 *   otherwise (same inode: its owner never notices).
 *
 * Limit, as for every lease: a holder stopped (SIGSTOP, a suspended VM) for longer than the stale time
 * loses its lock; its next heartbeat notices (`lock.compromised`, `onCompromised`).
 * The lock's age is read on this host's clock, against the mtime its holder set from its own clock: on a
 * shared network folder, hosts' clocks must agree within the stale time.
 */

/** A lock not refreshed for this long is stale (30 s; `CABSYNC_LOCK_STALE_MS`). */
export const DEFAULT_STALE_MS = 30_000;
/** How often the holder refreshes it (5 s, or a quarter of a shorter stale time; `CABSYNC_LOCK_UPDATE_MS`). */
export const DEFAULT_UPDATE_MS = 5_000;
/** A holder's own stale time is respected up to this much (a damaged lock cannot strand the archive). */
const MAX_DECLARED_STALE_MS = 10 * 60_000;
const ATTEMPTS = 20;
const MAX_CLAIMS = 8;

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
  staleMs: number;
  updateMs: number;
}

export interface LockOptions {
  /** A lock not refreshed for this long is stale and taken over. Default `CABSYNC_LOCK_STALE_MS` or 30 s. */
  staleMs?: number;
  /** The heartbeat's period. Default `CABSYNC_LOCK_UPDATE_MS`, or 5 s (a quarter of a stale time under 20 s). */
  updateMs?: number;
  /** Called once if the lock is found taken by someone else or removed while held. Default: a process warning. */
  onCompromised?: (error: Error) => void;
  /** Release the lock on SIGINT/SIGTERM, then exit 130/143 (default true). */
  signals?: boolean;
}

/** A held lock; release it exactly once. */
export interface Lock {
  path: string;
  release(): Promise<void>;
  /** Set when the heartbeat found the lock taken by another process or removed: this process no longer holds it. */
  readonly compromised?: Error;
}

export function lockPath(archiveDir: string): string {
  return join(archiveDir, '.cabsync', 'lock');
}

/**
 * Takes the archive's lock or throws {@link LockHeldError}. A lock not refreshed for the stale time
 * (its holder is gone, whatever its pid or host) is taken over; a live holder's never is.
 */
export async function acquireLock(archiveDir: string, options: LockOptions = {}): Promise<Lock> {
  const { staleMs, updateMs } = lockTimes(options);
  const dir = join(archiveDir, '.cabsync');
  const path = lockPath(archiveDir);
  // The state, load cache, reports and raw store live beside the lock: checked once, before any is written.
  refuseLinkedFolder(dir);
  mkdirSync(dir, { recursive: true });
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(16).toString('hex'),
    staleMs,
    updateMs,
  };
  const content = `${JSON.stringify(info)}\n`;
  let mine = createFile(dir, content);
  let held = false;
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      touch(mine.fd);
      try {
        linkSync(mine.temp, path);
        held = true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          // Our temp file was removed under us: make another.
          closeQuietly(mine.fd);
          mine = createFile(dir, content);
          continue;
        }
        if (code !== 'EEXIST') throw error;
      }
      if (held) break;
      const seen = inspect(path);
      if (!seen) continue;
      if (!isStale(seen, staleMs)) throw heldError(path, seen, staleMs);
      const outcome = takeOver(dir, path, seen, staleMs, mine);
      if (outcome === 'taken') {
        held = true;
        break;
      }
      if (outcome === 'busy') await sleep(20 + Math.random() * 30);
    }
    if (!held) throw new LockHeldError(`could not take the lock ${path}: other processes keep taking it over`);
  } finally {
    unlinkQuietly(mine.temp);
    if (!held) closeQuietly(mine.fd);
  }
  removeLeftovers(dir, info.token, staleMs);
  return hold(path, mine.fd, info, options);
}

function lockTimes(options: LockOptions): { staleMs: number; updateMs: number } {
  const staleMs = options.staleMs ?? envMs('CABSYNC_LOCK_STALE_MS') ?? DEFAULT_STALE_MS;
  const updateMs = options.updateMs ?? envMs('CABSYNC_LOCK_UPDATE_MS') ?? Math.min(DEFAULT_UPDATE_MS, Math.floor(staleMs / 4));
  if (!(staleMs >= 100) || !(updateMs >= 10) || updateMs * 2 > staleMs) {
    throw new UsageError(`lock times: the stale time (${staleMs} ms) must be at least 100 ms and twice the refresh period (${updateMs} ms)`);
  }
  return { staleMs, updateMs };
}

function envMs(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} must be a number of milliseconds, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** What a lock file held when looked at: one inode's stat and content, read through one fd. */
interface Seen {
  ino: number;
  dev: number;
  mtimeMs: number;
  info: Partial<LockInfo>;
  /** The lock instance: its token, or for a lock without one (older versions, garbage) its inode and mtime. */
  id: string;
}

function inspect(path: string): Seen | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    let info: Partial<LockInfo> = {};
    try {
      const parsed: unknown = JSON.parse(readFileSync(fd, 'utf8'));
      if (parsed && typeof parsed === 'object') info = parsed;
    } catch {
      // Empty or garbage: judged by its age alone.
    }
    const token = typeof info.token === 'string' && /^[0-9a-f]{8,64}$/.test(info.token) ? info.token : undefined;
    return { ino: stat.ino, dev: stat.dev, mtimeMs: stat.mtimeMs, info, id: token ?? `i${stat.ino}m${Math.floor(stat.mtimeMs)}` };
  } finally {
    closeQuietly(fd);
  }
}

/** The stale time for a lock: ours, or its holder's if longer (up to 10 minutes). */
function staleFor(seen: Seen, staleMs: number): number {
  const declared = seen.info.staleMs;
  return typeof declared === 'number' && Number.isFinite(declared) ? Math.max(staleMs, Math.min(declared, MAX_DECLARED_STALE_MS)) : staleMs;
}

function isStale(seen: Seen, staleMs: number, now = Date.now()): boolean {
  const age = now - seen.mtimeMs;
  const limit = staleFor(seen, staleMs);
  // A stamp further in the future than the stale time was not set by a live holder on this clock
  // (a clock set back): without this, such a lock would stand until the clock catches up.
  return age > limit || age < -limit;
}

function heldError(path: string, seen: Seen, staleMs: number): LockHeldError {
  const { pid, host, startedAt } = seen.info;
  const who =
    typeof pid === 'number' ? `another sync (pid ${pid} on ${typeof host === 'string' ? host : 'an unknown host'}${typeof startedAt === 'string' ? `, started ${startedAt}` : ''})` : 'another sync (unreadable lock file)';
  const now = Date.now();
  const staleAt = seen.mtimeMs + staleFor(seen, staleMs);
  return new LockHeldError(
    `${who} holds the lock ${path}: last refreshed ${new Date(seen.mtimeMs).toISOString()} (${seconds(now - seen.mtimeMs)} ago); ` +
      `unless refreshed again it goes stale at ${new Date(staleAt).toISOString()} (in ${seconds(staleAt - now)}) and is taken over`,
  );
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

interface Mine {
  temp: string;
  fd: number;
}

/** Our lock, whole, under a temp name in the lock's folder (linked or renamed to `lock` when taken). */
function createFile(dir: string, content: string): Mine {
  // Not named like writeFileAtomic's temp files: a holder's temp-file sweep must not take it from under us.
  const temp = join(dir, `lock.${process.pid}.${randomBytes(6).toString('hex')}.new`);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeQuietly(fd);
    unlinkQuietly(temp);
    throw error;
  }
  return { temp, fd };
}

/**
 * Takes over the stale lock `seen`: 'taken' when our lock replaced it, 'retry' when it is gone or
 * changed (look again), 'busy' when another process is taking it over right now.
 */
function takeOver(dir: string, path: string, seen: Seen, staleMs: number, mine: Mine): 'taken' | 'retry' | 'busy' {
  for (let k = 1; k <= MAX_CLAIMS; k++) {
    const claim = join(dir, `lock.${seen.id}.claim${k}`);
    try {
      closeSync(openSync(claim, 'wx'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = ageOf(claim);
      if (age === undefined) return 'retry';
      // A claim as old as the stale time: its taker died mid-takeover. Leave it (removing it would race
      // with whoever else finds it) and use the next claim.
      if (age > staleMs) continue;
      return 'busy';
    }
    let taken = false;
    try {
      const now = inspect(path);
      if (!now || now.id !== seen.id) return 'retry';
      if (!isStale(now, staleMs)) throw heldError(path, now, staleMs);
      touch(mine.fd);
      renameSync(mine.temp, path);
      taken = true;
      return 'taken';
    } finally {
      // Once the instance is replaced, every claim on it is garbage; otherwise only ours is ours to drop.
      if (taken) for (let j = 1; j <= k; j++) unlinkQuietly(join(dir, `lock.${seen.id}.claim${j}`));
      else unlinkQuietly(claim);
    }
  }
  return 'busy';
}

function ageOf(path: string): number | undefined {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Claims, temp files and moved-aside locks that crashed processes left, once older than the stale time. */
function removeLeftovers(dir: string, token: string, staleMs: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith('lock.') || name.includes(token)) continue;
    const age = ageOf(join(dir, name));
    if (age !== undefined && age > staleMs) unlinkQuietly(join(dir, name));
  }
}

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

function hold(path: string, fd: number, info: LockInfo, options: LockOptions): Lock {
  const stat = fstatSync(fd);
  const state: Held = { path, fd, ino: stat.ino, dev: stat.dev, released: false, signals: options.signals ?? true };
  const onCompromised = options.onCompromised ?? ((error: Error) => process.emitWarning(error));
  const compromise = (why: string): void => {
    const error = new Error(`the lock ${path} (pid ${info.pid}, started ${info.startedAt}) ${why}: this process no longer holds it`);
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
      if (current.ino !== state.ino || current.dev !== state.dev) return compromise('was taken over by another process');
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

function touch(fd: number): void {
  const now = new Date();
  futimesSync(fd, now, now);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
