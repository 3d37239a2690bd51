import { fsyncSync, linkSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockHeldError, UsageError } from '../errors.js';
import { refuseLinkedFolder } from './write-post.js';
import { closeQuietly, hold, touch, unlinkQuietly } from './lock-holder.js';
import { heldError, inspect, isStale, removeLeftovers, takeOver, type LockInfo, type Mine } from './lock-takeover.js';

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
const ATTEMPTS = 20;

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
  const updateMs =
    options.updateMs ?? envMs('CABSYNC_LOCK_UPDATE_MS') ?? Math.min(DEFAULT_UPDATE_MS, Math.floor(staleMs / 4));
  if (!(staleMs >= 100) || !(updateMs >= 10) || updateMs * 2 > staleMs) {
    throw new UsageError(
      `lock times: the stale time (${staleMs} ms) must be at least 100 ms and twice the refresh period (${updateMs} ms)`,
    );
  }
  return { staleMs, updateMs };
}

function envMs(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`${name} must be a number of milliseconds, not ${JSON.stringify(value)}`);
  return Number(value);
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
