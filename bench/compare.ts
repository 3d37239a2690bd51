// Extract + convert of two builds, in one process, rounds alternating, CPU time: on a shared machine the
// best round of each is the fairest comparison (wall-clock figures of separate runs move by a quarter).
// `npx tsx bench/compare.ts DIST_A DIST_B [ROUNDS]`: each DIST a copy of a build's `dist/` inside this
// checkout (so that it finds `node_modules`), e.g. `cp -r dist tmp/dist-a` before a change.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchPages, type PageInput } from './extract.js';

type Pipeline = (page: PageInput) => void;

async function loadBuild(dist: string): Promise<Pipeline> {
  const load = (path: string): Promise<unknown> => import(pathToFileURL(resolve(dist, 'src', path)).href);
  const { extractParsedPage } = (await load('extract/extract.js')) as typeof import('../src/extract/extract.js');
  const { bodyMarkdown } = (await load('convert/convert.js')) as typeof import('../src/convert/convert.js');
  return (page) => {
    const { page: extracted, body } = extractParsedPage(page.html, page.url);
    if (extracted.kind === 'post') bodyMarkdown(extracted, body);
  };
}

function cpuMs(run: () => void): number {
  const started = process.cpuUsage();
  run();
  const { user, system } = process.cpuUsage(started);
  return (user + system) / 1000;
}

const [distA, distB, roundsArg = '30'] = process.argv.slice(2);
if (distA === undefined || distB === undefined) throw new Error('usage: bench/compare.ts DIST_A DIST_B [ROUNDS]');
const builds = [await loadBuild(distA), await loadBuild(distB)] as const;
const pages = benchPages(100);
for (const build of builds) pages.forEach(build); // warm-up
const times: [number[], number[]] = [[], []];
for (let round = 0; round < Number(roundsArg); round += 1) {
  // Each round in the other order, so that neither build always runs right after the other.
  for (const which of round % 2 === 0 ? [0, 1] : [1, 0]) times[which]!.push(cpuMs(() => pages.forEach(builds[which]!)));
}
const best = times.map((list) => Math.min(...list));
const median = times.map((list) => [...list].sort((a, b) => a - b)[list.length >> 1]!);
const ms = (value: number): string => `${value.toFixed(1)} ms`;
console.log(`${pages.length} pages, ${roundsArg} rounds each, CPU per round`);
console.log(`A ${distA}: best ${ms(best[0]!)}, median ${ms(median[0]!)}`);
console.log(`B ${distB}: best ${ms(best[1]!)}, median ${ms(median[1]!)}`);
console.log(`B / A: best ${(best[1]! / best[0]!).toFixed(3)}, median ${(median[1]! / median[0]!).toFixed(3)}`);
