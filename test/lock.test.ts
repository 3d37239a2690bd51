// The archive lock with real processes: a lease kept fresh by its holder's heartbeat, taken over once
// stale whatever pid or host it names, never while its holder lives, released on SIGINT/SIGTERM.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireLock, type Lock } from '../src/write/lock.js';
import { LockHeldError } from '../src/errors.js';
import { tempDir } from './helpers/tmp.js';
import { fixtureSite } from './helpers/site.js';
import { CLI } from './helpers/cli.js';

const LOCK_MODULE = new URL('../dist/src/write/lock.js', import.meta.url).href;

/**
 * A process (the built lock module) that takes the lock of the archive in argv[2] and holds it for
 * argv[3] ms. With POLL=1 it tries until it gets the lock and says how many times it was refused.
 * START_AT: wait until this instant first (racing processes start together). One JSON line on stdout.
 */
const HOLDER = `
const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
const [archive, holdMs] = process.argv.slice(2);
const startAt = Number(process.env.START_AT ?? 0);
if (startAt) await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
const t0 = Date.now();
let refused = 0;
for (;;) {
  try {
    const lock = await acquireLock(archive);
    console.log(JSON.stringify({ got: true, pid: process.pid, refused, ms: Date.now() - t0 }));
    await new Promise((r) => setTimeout(r, Number(holdMs)));
    await lock.release();
    break;
  } catch (error) {
    if (process.env.POLL !== '1' || error.name !== 'LockHeldError' || Date.now() - t0 > 10000) {
      console.log(JSON.stringify({ got: false, pid: process.pid, name: error.name, message: error.message }));
      break;
    }
    refused++;
    await new Promise((r) => setTimeout(r, 25));
  }
}
`;

interface Outcome {
  got: boolean;
  pid: number;
  refused?: number;
  ms?: number;
  name?: string;
  message?: string;
}

async function holderScript(): Promise<string> {
  const path = join(await tempDir('cabsync-lock-script-'), 'holder.mjs');
  await writeFile(path, HOLDER);
  return path;
}

/** Runs the holder; `first` resolves with its first line (it holds the lock from then on when `got`). */
function runHolder(
  command: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; first: Promise<Outcome>; exit: Promise<number | null> } {
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const first = new Promise<Outcome>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as Outcome);
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`holder exited (${code ?? signal}) before saying anything: ${out}`)),
    );
  });
  first.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, first, exit };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function archiveWithLock(content: object, ageMs: number): Promise<string> {
  const archive = await tempDir();
  await mkdir(join(archive, '.cabsync'), { recursive: true });
  const path = join(archive, '.cabsync', 'lock');
  await writeFile(path, JSON.stringify(content));
  const then = new Date(Date.now() - ageMs);
  await utimes(path, then, then);
  return archive;
}

/** Polls until the lock is taken in this process: the time it took and how often it was refused. */
async function takeWhenStale(
  archive: string,
  staleMs: number,
): Promise<{ lock: Lock; ms: number; refused: number; firstError?: unknown }> {
  const t0 = Date.now();
  let refused = 0;
  let firstError: unknown;
  for (;;) {
    try {
      const lock = await acquireLock(archive, { staleMs, updateMs: 100, signals: false });
      return { lock, ms: Date.now() - t0, refused, firstError };
    } catch (error) {
      if (!(error instanceof LockHeldError) || Date.now() - t0 > 10_000) throw error;
      firstError ??= error;
      refused++;
      await sleep(20);
    }
  }
}

const FAST = { CABSYNC_LOCK_STALE_MS: '1500', CABSYNC_LOCK_UPDATE_MS: '250' };

describe('a stale lock', () => {
  it('is taken over whatever live process, pid or host it names', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const holders = [
        { pid: 1, host: hostname() },
        { pid: sleeper.pid, host: hostname() },
        { pid: process.pid, host: hostname() },
        { pid: 0, host: hostname() },
        { pid: -1, host: hostname() },
        { pid: 4242, host: 'another-host.example' },
      ];
      for (const holder of holders) {
        // Not refreshed for 2 s, with a stale time of 1 s.
        const archive = await archiveWithLock({ ...holder, startedAt: '2020-01-01T00:00:00Z' }, 2_000);
        const lock = await acquireLock(archive, { staleMs: 1_000, updateMs: 100, signals: false });
        const info = JSON.parse(await readFile(lock.path, 'utf8')) as { pid: number; staleMs: number };
        expect(info.pid, JSON.stringify(holder)).toBe(process.pid);
        await lock.release();
        expect(await readdir(join(archive, '.cabsync'))).toEqual([]);
      }
      // Garbage and an empty file are judged by age too.
      for (const text of ['', 'not json']) {
        const archive = await archiveWithLock({}, 2_000);
        await writeFile(join(archive, '.cabsync', 'lock'), text);
        await utimes(join(archive, '.cabsync', 'lock'), new Date(Date.now() - 2_000), new Date(Date.now() - 2_000));
        await (await acquireLock(archive, { staleMs: 1_000, updateMs: 100, signals: false })).release();
      }
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('is not taken over while fresh, even when its pid is dead', async () => {
    const archive = await archiveWithLock(
      { pid: 2 ** 22 + 12345, host: hostname(), startedAt: '2020-01-01T00:00:00Z' },
      200,
    );
    const error = await acquireLock(archive, { staleMs: 1_000, updateMs: 100, signals: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as Error).message).toContain(
      `another sync (pid ${2 ** 22 + 12345} on ${hostname()}, started 2020-01-01T00:00:00Z) holds the lock ${join(archive, '.cabsync', 'lock')}`,
    );
    expect((error as Error).message).toMatch(
      /: last refreshed \S+ \(0\.\d s ago\); unless refreshed again it goes stale at \S+ \(in 0\.\d s\) and is taken over$/,
    );
  });

  it('is taken over even when a taker died holding its claim', async () => {
    const token = 'ab'.repeat(16);
    const archive = await archiveWithLock(
      { pid: 1, host: hostname(), startedAt: '2020-01-01T00:00:00Z', token, staleMs: 1_000 },
      2_000,
    );
    const claim = join(archive, '.cabsync', `lock.${token}.claim1`);
    await writeFile(claim, '');
    await utimes(claim, new Date(Date.now() - 2_000), new Date(Date.now() - 2_000));
    await (await acquireLock(archive, { staleMs: 1_000, updateMs: 100, signals: false })).release();
    expect(await readdir(join(archive, '.cabsync'))).toEqual([]);
  });
});

describe('a live holder', () => {
  it('keeps its lock fresh: refused with LockHeldError, still after many heartbeat periods', async () => {
    const archive = await tempDir();
    const holder = runHolder([process.execPath, await holderScript(), archive, '60000'], {
      CABSYNC_LOCK_STALE_MS: '600',
      CABSYNC_LOCK_UPDATE_MS: '100',
    });
    try {
      const held = await holder.first;
      expect(held.got).toBe(true);
      const info = JSON.parse(await readFile(join(archive, '.cabsync', 'lock'), 'utf8')) as Record<string, unknown>;
      expect(info).toMatchObject({ pid: held.pid, host: hostname(), staleMs: 600, updateMs: 100 });
      const t0 = Date.now();
      let tries = 0;
      // 2 s: 20 heartbeat periods, over 3 stale times.
      while (Date.now() - t0 < 2_000) {
        const error = await acquireLock(archive, { staleMs: 600, updateMs: 100, signals: false }).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(LockHeldError);
        expect((error as Error).message).toContain(`another sync (pid ${held.pid} on ${hostname()}, started `);
        expect((error as Error).message).toMatch(/last refreshed .* ago\); unless refreshed again it goes stale at/);
        tries++;
        await sleep(50);
      }
      expect(tries).toBeGreaterThan(10);
      // A reader with a shorter stale time still waits for the holder's own.
      const error = await acquireLock(archive, { staleMs: 150, updateMs: 50, signals: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockHeldError);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exit;
    }
  });

  it('notices when its lock is taken from it (compromised), without crashing', async () => {
    const archive = await tempDir();
    let noticed: Error | undefined;
    const lock = await acquireLock(archive, {
      staleMs: 300,
      updateMs: 50,
      signals: false,
      onCompromised: (e) => (noticed = e),
    });
    // As if this process had been stopped for longer than the stale time and another took over.
    await utimes(lock.path, new Date(Date.now() - 1_000), new Date(Date.now() - 1_000));
    // Stop our heartbeat from refreshing it in between: take it over right now.
    const other = await acquireLock(archive, { staleMs: 300, updateMs: 50, signals: false });
    for (let i = 0; i < 40 && !noticed; i++) await sleep(25);
    expect(noticed?.message).toMatch(/was taken over by another process/);
    expect(lock.compromised).toBe(noticed);
    // Releasing a compromised lock leaves the new holder's lock alone.
    await lock.release();
    expect((await stat(other.path)).isFile()).toBe(true);
    await other.release();
    expect(await readdir(join(archive, '.cabsync'))).toEqual([]);
  });
});

describe('a killed holder', () => {
  it('SIGKILL: the next run is refused only until the stale time passes, then takes the lock', async () => {
    const archive = await tempDir();
    const site = await fixtureSite({ latencyMs: 200 });
    const child = spawn(
      process.execPath,
      [CLI, 'sync', '--site', site.url, '--archive', archive, '--rate', '0', '--concurrency', '1'],
      {
        env: { ...process.env, ...FAST },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const lockFile = join(archive, '.cabsync', 'lock');
    for (let i = 0; i < 200 && !(await stat(lockFile).catch(() => undefined)); i++) await sleep(25);
    // The CLI honours CABSYNC_LOCK_STALE_MS.
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({
      pid: child.pid,
      staleMs: 1500,
      updateMs: 250,
    });
    await sleep(600); // a few heartbeats
    child.kill('SIGKILL');
    await exited;
    const taken = await takeWhenStale(archive, 1_500);
    console.log(
      `lock taken ${taken.ms} ms after SIGKILL (stale time 1500 ms, heartbeat 250 ms), refused ${taken.refused} times first`,
    );
    expect(taken.refused).toBeGreaterThan(0);
    expect(taken.firstError).toBeInstanceOf(LockHeldError);
    expect((taken.firstError as Error).message).toContain(`pid ${child.pid}`);
    // Stale 1.5 s after its last refresh, which was at most one heartbeat before the kill.
    expect(taken.ms).toBeGreaterThanOrEqual(1_500 - 250 - 50);
    expect(taken.ms).toBeLessThan(1_500 + 500);
    await taken.lock.release();
  });

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal}: the CLI releases the lock and exits ${code}`, async () => {
      const archive = await tempDir();
      const site = await fixtureSite({ latencyMs: 200 });
      const child = spawn(
        process.execPath,
        [CLI, 'sync', '--site', site.url, '--archive', archive, '--rate', '0', '--concurrency', '1'],
        { stdio: 'ignore' },
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      const lockFile = join(archive, '.cabsync', 'lock');
      for (let i = 0; i < 200 && !(await stat(lockFile).catch(() => undefined)); i++) await sleep(25);
      expect((await stat(lockFile)).isFile()).toBe(true);
      await sleep(200);
      child.kill(signal);
      expect(await exited).toBe(code);
      await expect(stat(lockFile)).rejects.toThrow();
      expect((await readdir(join(archive, '.cabsync'))).filter((name) => name.startsWith('lock'))).toEqual([]);
      // The next run takes the lock at once.
      await (await acquireLock(archive, { signals: false })).release();
    });
  }
});

const unshareWorks =
  spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'true'], { stdio: 'ignore' }).status === 0;
if (!unshareWorks)
  console.warn(
    'lock.test.ts: `unshare --pid --fork --mount-proc` does not work here (needs root or user namespaces): the PID namespace test is skipped',
  );

describe('PID namespaces (containers)', () => {
  it.skipIf(!unshareWorks)(
    'a holder killed in its own PID namespace: a run in another namespace, with the same pid, takes the lock once stale',
    async () => {
      const archive = await tempDir();
      const script = await holderScript();
      const inNamespace = (hold: string, env: Record<string, string>) =>
        runHolder(
          ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, script, archive, hold],
          { ...FAST, ...env },
        );
      const first = inNamespace('60000', {});
      const held = await first.first;
      expect(held).toMatchObject({ got: true });
      await sleep(300);
      // Killing unshare kills its child (--kill-child), the namespace's pid 1 or so.
      first.child.kill('SIGKILL');
      await first.exit;
      const t0 = Date.now();
      const second = inNamespace('0', { POLL: '1' });
      const took = await second.first;
      await second.exit;
      console.log(
        `PID namespaces: holder pid ${held.pid}, next run pid ${took.pid}; taken ${Date.now() - t0} ms after the kill, refused ${took.refused} times first`,
      );
      expect(took.pid).toBe(held.pid); // the very situation where a pid check said "alive" forever
      expect(took).toMatchObject({ got: true });
      expect(took.refused).toBeGreaterThan(0);
      expect(Date.now() - t0).toBeLessThan(1_500 + 1_500);
      expect(await readdir(join(archive, '.cabsync'))).toEqual([]);
    },
  );
});

describe('racing for one stale lock', () => {
  it('exactly one of several processes wins, every time', async () => {
    const script = await holderScript();
    for (let round = 0; round < 4; round++) {
      const archive = await archiveWithLock({ pid: 1, host: hostname(), startedAt: '2020-01-01T00:00:00Z' }, 60_000);
      const startAt = String(Date.now() + 400);
      const runs = Array.from({ length: 5 }, () =>
        runHolder([process.execPath, script, archive, '700'], { START_AT: startAt }),
      );
      const outcomes = await Promise.all(runs.map((run) => run.first));
      await Promise.all(runs.map((run) => run.exit));
      expect(
        outcomes.filter((o) => o.got),
        JSON.stringify(outcomes),
      ).toHaveLength(1);
      for (const loser of outcomes.filter((o) => !o.got)) expect(loser.name).toBe('LockHeldError');
      // Nothing left behind: no claims, temp files or moved-aside locks.
      expect(await readdir(join(archive, '.cabsync'))).toEqual([]);
    }
  });
});

describe('a sync that loses its lock', () => {
  it('stops, and writes neither state nor report over the run that took the archive', async () => {
    const { sync } = await import('../src/sync/sync.js');
    const { syncOptions } = await import('./helpers/site.js');
    const site = await fixtureSite({ latencyMs: 150 });
    const archive = await tempDir();
    const saved = { stale: process.env.CABSYNC_LOCK_STALE_MS, update: process.env.CABSYNC_LOCK_UPDATE_MS };
    process.env.CABSYNC_LOCK_STALE_MS = '400';
    process.env.CABSYNC_LOCK_UPDATE_MS = '50';
    try {
      const running = sync(syncOptions(site.url, archive, { concurrency: 1 }));
      // Another run takes the archive (as if this one had been stopped past the stale time).
      await new Promise((resolve) => setTimeout(resolve, 600));
      const other = `${JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: new Date().toISOString(), token: 'ab'.repeat(16) })}\n`;
      await writeFile(join(archive, '.cabsync', 'lock.other'), other);
      const { rename } = await import('node:fs/promises');
      await rename(join(archive, '.cabsync', 'lock.other'), join(archive, '.cabsync', 'lock'));
      await expect(running).rejects.toMatchObject({ name: 'LockCompromisedError' });
      const files = await readdir(join(archive, '.cabsync'));
      expect(files).not.toContain('state.json');
      expect(files).not.toContain('reports');
      // The other run's lock is left alone.
      expect(await readFile(join(archive, '.cabsync', 'lock'), 'utf8')).toBe(other);
    } finally {
      process.env.CABSYNC_LOCK_STALE_MS = saved.stale;
      process.env.CABSYNC_LOCK_UPDATE_MS = saved.update;
      if (saved.stale === undefined) delete process.env.CABSYNC_LOCK_STALE_MS;
      if (saved.update === undefined) delete process.env.CABSYNC_LOCK_UPDATE_MS;
    }
  }, 30_000);
});
