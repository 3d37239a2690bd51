// Extract + convert throughput on post pages, against two references: `cheerio.load` alone (the
// parse every pipeline pays, the floor: parse5, the parser cabsync uses) and Readability + turndown
// (the usual alternative). htmlparser2's parse (cheerio/slim) is timed too, as the floor of a faster,
// non-standard parser cabsync does not use (see docs/performance.md).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readability } from '@mozilla/readability';
import * as cheerio from 'cheerio';
import * as cheerioSlim from 'cheerio/slim';
import { parseHTML } from 'linkedom';
import TurndownService from 'turndown';
import { renderPostPage } from '../fixtures/site/render.js';
import { syntheticPosts } from '../fixtures/site/synthetic.js';
import { postPath } from '../fixtures/site/util.js';

const { gfm } = createRequire(import.meta.url)('@joplin/turndown-plugin-gfm') as { gfm: TurndownService.Plugin };

// The built code (npm run bench builds first), as the CLI runs it: the sources run through tsx,
// whose transform adds a call to every inner function (`__name`) that the compiled code has not.
const built = (path: string): Promise<unknown> => import(new URL(`../dist/src/${path}`, import.meta.url).href);
const { TURNDOWN_OPTIONS, bodyMarkdown, toPost } = (await built(
  'convert/convert.js',
)) as typeof import('../src/convert/convert.js');
const { extractParsedPage } = (await built('extract/extract.js')) as typeof import('../src/extract/extract.js');

export interface PageInput {
  html: string;
  url: string;
}

/** Pages pages/s of each pipeline; the best of `rounds` rounds, rounds interleaved so load drifts hit all alike. */
export interface Throughput {
  pages: number;
  bytes: number;
  floor: number;
  cabsync: number;
  readability: number;
  /** htmlparser2's parse alone (not used by cabsync). */
  htmlparser2: number;
  /** Fixture pages left out because cabsync does not take them for posts (alias, listing, empty, truncated pages). */
  notPosts: number;
  /** Post pages where Readability threw or found no article. */
  readabilityFailures: number;
}

const PAGES_DIR = new URL('../fixtures/pages/', import.meta.url);
const SITE = 'https://cabforum.org';

/** `fixtures/pages/*.html` plus `synthetic` rendered synthetic post pages. */
export function benchPages(synthetic: number): PageInput[] {
  const files = readdirSync(PAGES_DIR).filter((name) => name.endsWith('.html'));
  const fromFiles = files.map((name) => {
    const html = readFileSync(new URL(name, PAGES_DIR), 'utf8');
    const canonical = /<link rel="canonical" href="([^"]+)"/.exec(html)?.[1];
    return { html, url: canonical ?? `${SITE}/posts/` };
  });
  const posts = syntheticPosts(synthetic + 5, 7);
  const rendered = posts.slice(0, synthetic).map((post, i) => ({
    html: renderPostPage(post, SITE, posts.slice(i + 1, i + 6)),
    url: SITE + postPath(post),
  }));
  return [...fromFiles, ...rendered];
}

type Pipeline = (page: PageInput) => unknown;

const PIPELINES: Record<'floor' | 'cabsync' | 'readability' | 'htmlparser2', Pipeline> = {
  floor: (page) => cheerio.load(page.html),
  htmlparser2: (page) => cheerioSlim.load(page.html),
  cabsync: (page) => {
    const { page: extracted, body } = extractParsedPage(page.html, page.url);
    return extracted.kind === 'post' ? toPost(extracted, bodyMarkdown(extracted, body)) : undefined;
  },
  readability: (page) => {
    const article = readabilityArticle(page.html);
    // Same Markdown style as cabsync, without its site rules.
    return article === undefined ? undefined : new TurndownService(TURNDOWN_OPTIONS).use(gfm).turndown(article);
  },
};

function readabilityArticle(html: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- linkedom's types need the DOM lib, which this project does not load
    const { document } = parseHTML(html);
    return new Readability(document).parse()?.content ?? undefined;
  } catch {
    return undefined; // counted as a failure by measureThroughput, timed like any page
  }
}

/** Measures the three pipelines on the post pages of `input`: one warm-up pass each, then `rounds` timed passes. */
export function measureThroughput(input: PageInput[], rounds = 3): Throughput {
  const pages = input.filter((page) => PIPELINES.cabsync(page) !== undefined);
  const readabilityFailures = pages.filter((page) => PIPELINES.readability(page) === undefined).length;
  for (const run of Object.values(PIPELINES)) pages.forEach(run);
  const best = { floor: Infinity, cabsync: Infinity, readability: Infinity, htmlparser2: Infinity };
  for (let round = 0; round < rounds; round += 1) {
    for (const name of Object.keys(PIPELINES) as (keyof typeof PIPELINES)[]) {
      const started = performance.now();
      pages.forEach(PIPELINES[name]);
      best[name] = Math.min(best[name], performance.now() - started);
    }
  }
  const rate = (ms: number): number => (pages.length / ms) * 1000;
  return {
    pages: pages.length,
    bytes: pages.reduce((sum, page) => sum + Buffer.byteLength(page.html), 0),
    floor: rate(best.floor),
    cabsync: rate(best.cabsync),
    readability: rate(best.readability),
    htmlparser2: rate(best.htmlparser2),
    notPosts: input.length - pages.length,
    readabilityFailures,
  };
}
