// Runs the built CLI as a child process and measures it from outside: wall time here, CPU and
// peak RSS from `/usr/bin/time -v` (or, without it, from a preload that prints resourceUsage at exit).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What one CLI run cost. */
export interface ChildRun {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** user + sys of the child. */
  cpuMs: number;
  maxRssMb: number;
}

/** The built CLI. */
export const CLI = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
const PRELOAD = new URL('./usage-preload.mjs', import.meta.url).href;
const GNU_TIME = '/usr/bin/time';
const USAGE_MARK = 'cabsync-bench-usage ';

/** Where the numbers come from, for the printed table. */
export const USAGE_SOURCE = existsSync(GNU_TIME) ? '/usr/bin/time -v' : 'process.resourceUsage() at exit';

/** `node dist/src/cli.js <args>`; rejects when the CLI is not built or the child dies by a signal. */
export async function runCli(args: string[]): Promise<ChildRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: run npm run build first`);
  return runNode(CLI, args);
}

/** `node <script> <args>`, measured as {@link runCli} measures the CLI. */
export async function runNode(script: string, args: string[]): Promise<ChildRun> {
  const node = [process.execPath, script, ...args];
  const [command, ...rest] = existsSync(GNU_TIME)
    ? [GNU_TIME, '-v', ...node]
    : [process.execPath, '--import', PRELOAD, script, ...args];
  const started = performance.now();
  const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exit, signal) =>
      signal ? reject(new Error(`${script} ${args.join(' ')}: killed by ${signal}`)) : resolve(exit ?? 0),
    );
  });
  const wallMs = performance.now() - started;
  const err = Buffer.concat(stderr).toString('utf8');
  const usage = existsSync(GNU_TIME) ? fromGnuTime(err) : fromPreload(err);
  if (!usage) throw new Error(`${script} ${args.join(' ')}: no resource usage in stderr:\n${err.slice(-2000)}`);
  return { code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: err, wallMs, ...usage };
}

function fromGnuTime(stderr: string): { cpuMs: number; maxRssMb: number } | undefined {
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^\\s*${name}: ([\\d.]+)$`, 'm').exec(stderr);
    return match ? Number(match[1]) : undefined;
  };
  const user = field('User time \\(seconds\\)');
  const sys = field('System time \\(seconds\\)');
  const rssKb = field('Maximum resident set size \\(kbytes\\)');
  if (user === undefined || sys === undefined || rssKb === undefined) return undefined;
  return { cpuMs: (user + sys) * 1000, maxRssMb: rssKb / 1024 };
}

function fromPreload(stderr: string): { cpuMs: number; maxRssMb: number } | undefined {
  const line = stderr.split('\n').find((l) => l.startsWith(USAGE_MARK));
  if (!line) return undefined;
  const usage = JSON.parse(line.slice(USAGE_MARK.length)) as {
    userCPUTime: number;
    systemCPUTime: number;
    maxRSS: number;
  };
  return { cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssMb: usage.maxRSS / 1024 };
}
