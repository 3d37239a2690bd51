// The printed result: one row per figure, with its target and whether it was met.

/** One figure of the benchmark. `ok` is undefined for figures without a target. */
export interface Row {
  metric: string;
  value: string;
  target: string;
  ok?: boolean;
}

/** A Markdown table (readable in a terminal and pasteable into docs/performance.md). */
export function formatTable(rows: Row[]): string {
  const cells = rows.map((r) => [r.metric, r.value, r.target, r.ok === undefined ? '' : r.ok ? 'ok' : 'MISS']);
  const header = ['metric', 'value', 'target', 'ok?'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => `| ${c.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const times = (ratio: number): string => `${ratio.toFixed(2)}×`;
export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;
