// Hostile probes (issue 20): each runs one `cabsync sync` in a child process against the fixture site
// with one fault, and prints how long it took, its peak RSS, its exit code and what it reported.
// Every probe must end within its deadline, under the benchmark's 250 MB, with the fault reported.
//   npm run build && npx tsx bench/probes.ts [name...]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncReport } from '../src/report/report.js';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/server.js';
import { defaultPosts } from '../fixtures/site/content.js';
import { postPath } from '../fixtures/site/util.js';
import type { SitePost } from '../fixtures/site/types.js';
import { runCli } from './child.js';

const XML = { 'content-type': 'application/xml' };
const urlset = (locs: string[]) =>
  `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((loc) => `<url><loc>${loc}</loc></url>`).join('')}</urlset>`;

interface Probe {
  name: string;
  /** Sets the fault up; returns extra CLI flags. */
  setUp(site: FixtureSite, posts: SitePost[]): string[];
  /** Run once before the measured run (the archive the fault meets). */
  before?(site: FixtureSite, posts: SitePost[]): void;
}

const PROBES: Probe[] = [
  {
    name: 'slow drip (one byte every 5 s on a post)',
    setUp: (site, posts) => (
      site.setFaults([{ path: postPath(posts[4]!), kind: 'drip', ms: 5_000 }]),
      ['--max-duration', '40s']
    ),
  },
  {
    name: 'endless Retry-After: 60 on every post',
    setUp: (site, posts) => (
      site.setFaults(posts.map((post) => ({ path: postPath(post), kind: '429' as const, retryAfter: 60 }))),
      ['--max-duration', '40s']
    ),
  },
  {
    name: 'one sitemap of 130,000 URLs',
    setUp: (site) => (
      site.setRawPage('/sitemap.xml', {
        body: urlset(Array.from({ length: 130_000 }, (_, i) => `${site.url}/p/${i}/`)),
        headers: XML,
      }),
      ['--max-duration', '2m', ...(process.env.PROBE_MAX_URLS ? ['--max-urls', process.env.PROBE_MAX_URLS] : [])]
    ),
  },
  {
    name: 'index of 300 sitemaps of 10,000 URLs',
    setUp: (site) => {
      const children = Array.from(
        { length: 300 },
        (_, i) => `<sitemap><loc>${site.url}/child-${i}.xml</loc></sitemap>`,
      ).join('');
      site.setRawPage('/sitemap.xml', {
        body: `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${children}</sitemapindex>`,
        headers: XML,
      });
      for (let i = 0; i < 300; i++)
        site.setRawPage(`/child-${i}.xml`, {
          body: urlset(Array.from({ length: 10_000 }, (_, j) => `${site.url}/c/${i}/${j}/`)),
          headers: XML,
        });
      return ['--max-duration', '2m'];
    },
  },
  {
    name: 'a 9.5 MB page of unclosed <a>',
    setUp: (site, posts) => (
      site.setRawPage(postPath(posts[4]!), {
        body: `<!doctype html><html><body>${'<a href="/x">x'.repeat(700_000)}</body></html>`,
      }),
      []
    ),
  },
  {
    name: 'a 3.9 MB page of unclosed <a>',
    setUp: (site, posts) => (
      site.setRawPage(postPath(posts[4]!), {
        body: `<!doctype html><html><body>${'<a href="/x">x'.repeat(280_000)}</body></html>`,
      }),
      []
    ),
  },
  {
    name: '100,000 nested <div>',
    setUp: (site, posts) => (
      site.setRawPage(postPath(posts[4]!), {
        body: `<!doctype html><html><body>${'<div>'.repeat(100_000)}x${'</div>'.repeat(100_000)}</body></html>`,
      }),
      []
    ),
  },
  {
    name: 'a post of 10,000 paragraphs, every one changed',
    before: (site, posts) => {
      posts[4]!.bodyHtml = Array.from(
        { length: 10_000 },
        (_, i) => `<p>Paragraph ${i} as it was first published.</p>`,
      ).join('\n');
      site.setPosts(posts);
    },
    setUp: (site, posts) => {
      posts[4]!.bodyHtml = Array.from(
        { length: 10_000 },
        (_, i) => `<p>Paragraph ${i}, edited by the maintainers.</p>`,
      ).join('\n');
      posts[4]!.lastmod = '2026-12-01T00:00:00+00:00';
      site.setPosts(posts);
      return ['--full'];
    },
  },
];

async function runProbe(probe: Probe): Promise<string> {
  const posts = defaultPosts();
  const site = await startFixtureSite({ posts, idleTimeoutMs: 600_000 });
  const archive = await mkdtemp(join(tmpdir(), 'cabsync-probe-'));
  try {
    const base = ['sync', '--site', site.url, '--archive', archive, '--rate', '0', '--json'];
    if (probe.before) {
      probe.before(site, posts);
      await runCli(base);
    }
    const flags = probe.setUp(site, posts);
    const run = await runCli([...base, ...flags]);
    let outcome = run.stderr.split('\n').find((line) => line.startsWith('cabsync')) ?? '';
    try {
      const report = JSON.parse(run.stdout) as SyncReport;
      const first = report.failed[0];
      outcome = `${report.failed.length} failed${first ? ` (${first.error.slice(0, 90)})` : ''}, ${report.added.length} added, ${report.updated.length} updated`;
    } catch {
      // no report: the outcome is the error line
    }
    return `| ${probe.name} | ${run.code} | ${(run.wallMs / 1000).toFixed(1)} s | ${run.maxRssMb.toFixed(0)} MB | ${outcome} |`;
  } finally {
    await site.close();
    await rm(archive, { recursive: true, force: true });
  }
}

const wanted = process.argv.slice(2);
console.log('| probe | exit | wall | peak RSS | outcome |\n|---|---|---|---|---|');
for (const probe of PROBES.filter((p) => wanted.length === 0 || wanted.some((w) => p.name.includes(w))))
  console.log(await runProbe(probe));
