// `npm run bench`: the figures of issue 6 §2, as a table with targets. Not part of `npm test`.
// Order matters only for time: the CPU-bound extract figures first, then the syncs (mostly waiting).
import { cpus, loadavg, totalmem } from 'node:os';
import { syntheticPosts } from '../fixtures/site/synthetic.js';
import { checkArchiveMarkdown } from './archive.js';
import { USAGE_SOURCE } from './child.js';
import { benchPages, measureThroughput } from './extract.js';
import { coldAndResync, syncIntoArchive, type ArchiveSizeRun } from './sync.js';
import { formatTable, percent, seconds, times, type Row } from './table.js';

/** The setup the issue prescribes, in one place. */
const SETUP = {
  latencyMs: 20,
  concurrency: 4,
  coldPosts: 3000,
  /** Rendered synthetic post pages added to fixtures/pages for throughput. */
  throughputPages: 100,
  throughputRounds: 2,
  archiveSizes: [1000, 10_000] as const,
  changes: { added: 150, edited: 50 },
};

const TARGETS = { coldRatio: 1.3, resyncFraction: 0.1, floorRatio: 2.5, rssMb: 300, cpuGrowth: 1.2 };

const started = performance.now();
const say = (text: string): void => void process.stderr.write(`bench [${((performance.now() - started) / 1000).toFixed(0)} s]: ${text}\n`);
const int = (n: number): string => n.toLocaleString('en-US');
const ms = (n: number): string => `${n.toFixed(1)} ms`;
const rows: Row[] = [];

say(`${cpus().length} cores, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

say('extract + convert throughput');
const pages = benchPages(SETUP.throughputPages);
const speed = measureThroughput(pages, SETUP.throughputRounds);
rows.push(
  { metric: `extract + convert (${speed.pages} pages, ${int(Math.round(speed.bytes / speed.pages / 1024))} KB avg)`, value: `${speed.cabsync.toFixed(0)} pages/s`, target: '' },
  { metric: 'parse floor: cheerio.load alone', value: `${speed.floor.toFixed(0)} pages/s`, target: '' },
  { metric: 'Readability (linkedom) + turndown', value: `${speed.readability.toFixed(0)} pages/s`, target: '' },
  { metric: 'cabsync time / parse floor', value: times(speed.floor / speed.cabsync), target: `≤ ${TARGETS.floorRatio}×`, ok: speed.floor / speed.cabsync <= TARGETS.floorRatio },
  { metric: 'cabsync speed / Readability + turndown', value: times(speed.cabsync / speed.readability), target: '> 1× (faster)', ok: speed.cabsync > speed.readability },
);
rows.push({ metric: '  fixture pages left out (not posts) / Readability failures', value: `${speed.notPosts} / ${speed.readabilityFailures}`, target: '' });

say(`cold sync of ${int(SETUP.coldPosts)} posts, then a re-sync`);
const sync = await coldAndResync(syntheticPosts(SETUP.coldPosts), SETUP.latencyMs, SETUP.concurrency);
const coldRatio = sync.cold.wallMs / sync.idealMs;
const resyncFraction = sync.resync.wallMs / sync.cold.wallMs;
rows.push(
  {
    metric: `cold sync, ${int(SETUP.coldPosts)} posts, ${SETUP.latencyMs} ms latency, concurrency ${SETUP.concurrency}`,
    value: `${seconds(sync.cold.wallMs)} (${int(sync.cold.requests.length)} requests, CPU ${seconds(sync.cold.cpuMs)})`,
    target: '',
  },
  { metric: 'cold sync / ideal (requests × latency / concurrency)', value: `${times(coldRatio)} (ideal ${seconds(sync.idealMs)})`, target: `≤ ${TARGETS.coldRatio}×`, ok: coldRatio <= TARGETS.coldRatio },
  { metric: 'cold sync: posts added / failed', value: `${int(sync.cold.report.added.length)} / ${sync.cold.report.failed.length}`, target: `${int(SETUP.coldPosts)} / 0`, ok: sync.cold.report.added.length === SETUP.coldPosts && sync.cold.report.failed.length === 0 },
  { metric: 're-sync, nothing changed: requests', value: `${int(sync.resync.requests.length)} (${int(sync.resync.report.requests.notModified)} × 304)`, target: '' },
  { metric: 're-sync: post bodies downloaded', value: String(sync.resync.postBodies), target: '0', ok: sync.resync.postBodies === 0 },
  { metric: 're-sync: files written', value: `${sync.filesWritten} (report: ${sync.resync.report.added.length + sync.resync.report.updated.length})`, target: '0', ok: sync.filesWritten === 0 && sync.resync.report.added.length + sync.resync.report.updated.length === 0 },
  { metric: 're-sync wall / cold wall', value: `${percent(resyncFraction)} (${seconds(sync.resync.wallMs)})`, target: `≤ ${percent(TARGETS.resyncFraction)}`, ok: resyncFraction <= TARGETS.resyncFraction },
);

const all = syntheticPosts(Math.max(...SETUP.archiveSizes) + SETUP.changes.added);
const check = checkArchiveMarkdown(all.slice(SETUP.changes.added, SETUP.changes.added + 20), 'http://127.0.0.1:1');
const sizes: ArchiveSizeRun[] = [];
for (const size of SETUP.archiveSizes) {
  say(`sync into an archive of ${int(size)} posts (+${SETUP.changes.added} new, ${SETUP.changes.edited} edited upstream)`);
  sizes.push(await syncIntoArchive(all, size, SETUP.changes, SETUP.latencyMs, SETUP.concurrency));
}
const perPage = (run: ArchiveSizeRun): number => run.changed.cpuMs / run.pages;
const marginal = (run: ArchiveSizeRun): number => (run.changed.cpuMs - run.idle.cpuMs) / run.pages;
const [small, large] = sizes as [ArchiveSizeRun, ArchiveSizeRun];
rows.push({ metric: 'pre-written archive: regex bodies = converter output', value: `${check.same}/${check.total} posts`, target: '' });
for (const run of sizes) {
  const ok = run.changed.report.added.length === SETUP.changes.added && run.changed.report.updated.length === SETUP.changes.edited && run.changed.report.failed.length === 0;
  rows.push(
    {
      metric: `archive ${int(run.archivePosts)} posts (${int(Math.round(run.archiveBytes / 1048576))} MB): added / updated / failed`,
      value: `${run.changed.report.added.length} / ${run.changed.report.updated.length} / ${run.changed.report.failed.length}`,
      target: `${SETUP.changes.added} / ${SETUP.changes.edited} / 0`,
      ok,
    },
    { metric: `  wall, requests, post pages converted`, value: `${seconds(run.changed.wallMs)}, ${int(run.changed.requests.length)}, ${run.pages}`, target: '' },
    {
      metric: `  peak RSS`,
      value: `${run.changed.maxRssMb.toFixed(0)} MB`,
      target: run === large ? `≤ ${TARGETS.rssMb} MB` : '',
      ...(run === large ? { ok: run.changed.maxRssMb <= TARGETS.rssMb } : {}),
    },
    { metric: `  CPU per converted page (whole run / pages)`, value: ms(perPage(run)), target: run === large ? `≤ ${TARGETS.cpuGrowth}× at ${int(small.archivePosts)}` : '', ...(run === large ? { ok: perPage(large) <= TARGETS.cpuGrowth * perPage(small) } : {}) },
    { metric: `  CPU per converted page, fixed run cost taken out`, value: ms(marginal(run)), target: run === large ? `≤ ${TARGETS.cpuGrowth}× at ${int(small.archivePosts)}` : '', ...(run === large ? { ok: marginal(large) <= TARGETS.cpuGrowth * marginal(small) } : {}) },
    { metric: `  fixed cost: CPU of a sync with nothing to fetch`, value: `${seconds(run.idle.cpuMs)} (${seconds(run.idle.wallMs)} wall, ${run.idle.maxRssMb.toFixed(0)} MB)`, target: '' },
  );
}
rows.push(
  { metric: 'CPU per page growth 1,000 → 10,000 (whole run)', value: times(perPage(large) / perPage(small)), target: `≤ ${TARGETS.cpuGrowth}×`, ok: perPage(large) <= TARGETS.cpuGrowth * perPage(small) },
  { metric: 'CPU per page growth 1,000 → 10,000 (fixed cost out)', value: times(marginal(large) / marginal(small)), target: `≤ ${TARGETS.cpuGrowth}×`, ok: marginal(large) <= TARGETS.cpuGrowth * marginal(small) },
);

const cpu = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(`\ncabsync benchmark — ${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GB, node ${process.version}, ${process.platform}\n`);
process.stdout.write(`child CPU/RSS from ${USAGE_SOURCE}; fixture site in the bench process; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n\n`);
process.stdout.write(`${formatTable(rows)}\n\n`);
const missed = rows.filter((r) => r.ok === false).length;
process.stdout.write(`${missed === 0 ? 'all targets met' : `${missed} target(s) missed`} — bench took ${seconds(performance.now() - started)}\n`);
