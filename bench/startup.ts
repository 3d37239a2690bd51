// Start-up: `cabsync --version` and `--help` against bare `node -e 0`, wall time from outside.
// Runs are interleaved so a load drift hits all three alike; the median of each is kept.
import { spawnSync } from 'node:child_process';
import { CLI } from './child.js';

export interface Startup {
  runs: number;
  /** Median wall time, ms. */
  node: number;
  version: number;
  help: number;
}

const COMMANDS = {
  node: ['-e', '0'],
  version: [CLI, '--version'],
  help: [CLI, '--help'],
} as const;

/** Median wall time of each command over `runs` interleaved runs (after one warm-up of each). */
export function measureStartup(runs = 15): Startup {
  const times: Record<keyof typeof COMMANDS, number[]> = { node: [], version: [], help: [] };
  for (let round = -1; round < runs; round += 1) {
    for (const [name, args] of Object.entries(COMMANDS) as [keyof typeof COMMANDS, readonly string[]][]) {
      const started = performance.now();
      const child = spawnSync(process.execPath, args, { stdio: 'ignore' });
      const elapsed = performance.now() - started;
      if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}`);
      if (round >= 0) times[name].push(elapsed);
    }
  }
  return { runs, node: median(times.node), version: median(times.version), help: median(times.help) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
