import { closeSync, fstatSync, openSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LockHeldError } from '../errors.js';
import { closeQuietly, touch, unlinkQuietly } from './lock-holder.js';

// A lock file as another process finds it: what it holds, whether it is stale, the one-winner takeover
// of a stale lock through exclusive claim files, and the leftovers of crashed takers (see lock.ts).

/** A holder's own stale time is respected up to this much (a damaged lock cannot strand the archive). */
const MAX_DECLARED_STALE_MS = 10 * 60_000;
const MAX_CLAIMS = 8;

/** What a lock file holds: who holds it (for messages), its instance token and its holder's times. */
export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
  staleMs: number;
  updateMs: number;
}

/** What a lock file held when looked at: one inode's stat and content, read through one fd. */
export interface Seen {
  ino: number;
  dev: number;
  mtimeMs: number;
  info: Partial<LockInfo>;
  /** The lock instance: its token, or for a lock without one (older versions, garbage) its inode and mtime. */
  id: string;
}

export function inspect(path: string): Seen | undefined {
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
    return {
      ino: stat.ino,
      dev: stat.dev,
      mtimeMs: stat.mtimeMs,
      info,
      id: token ?? `i${stat.ino}m${Math.floor(stat.mtimeMs)}`,
    };
  } finally {
    closeQuietly(fd);
  }
}

/** The stale time for a lock: ours, or its holder's if longer (up to 10 minutes). */
function staleFor(seen: Seen, staleMs: number): number {
  const declared = seen.info.staleMs;
  return typeof declared === 'number' && Number.isFinite(declared)
    ? Math.max(staleMs, Math.min(declared, MAX_DECLARED_STALE_MS))
    : staleMs;
}

export function isStale(seen: Seen, staleMs: number, now = Date.now()): boolean {
  const age = now - seen.mtimeMs;
  const limit = staleFor(seen, staleMs);
  // A stamp further in the future than the stale time was not set by a live holder on this clock
  // (a clock set back): without this, such a lock would stand until the clock catches up.
  return age > limit || age < -limit;
}

export function heldError(path: string, seen: Seen, staleMs: number): LockHeldError {
  const { pid, host, startedAt } = seen.info;
  const who =
    typeof pid === 'number'
      ? `another sync (pid ${pid} on ${typeof host === 'string' ? host : 'an unknown host'}${typeof startedAt === 'string' ? `, started ${startedAt}` : ''})`
      : 'another sync (unreadable lock file)';
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

/** Our new lock file, under its temp name, and the fd kept open on it. */
export interface Mine {
  temp: string;
  fd: number;
}

/**
 * Takes over the stale lock `seen`: 'taken' when our lock replaced it, 'retry' when it is gone or
 * changed (look again), 'busy' when another process is taking it over right now.
 */
export function takeOver(
  dir: string,
  path: string,
  seen: Seen,
  staleMs: number,
  mine: Mine,
): 'taken' | 'retry' | 'busy' {
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
export function removeLeftovers(dir: string, token: string, staleMs: number): void {
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
