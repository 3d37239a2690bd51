import { describe, expect, it } from 'vitest';
import { parseSitemap } from '../src/discover/sitemap.js';
import { parseFeed } from '../src/discover/feed.js';
import { parseListing, longDate } from '../src/discover/listing.js';
import { mergeHints, selectPosts, SelectionError, unionSightings } from '../src/discover/merge.js';
import { MAX_URLS, discover } from '../src/discover/discover.js';
import { sitePage } from '../src/site/index.js';
import { type FixtureSite, type FixtureSiteOptions, type SitePost } from '../fixtures/site/server.js';
import { postPath, urlize, wirePath } from '../fixtures/site/util.js';
import { FAST_FETCH, postRequests, startSite } from './helpers/site.js';

const SITE = new URL('https://cabforum.org');
/** The fixture site's static pages, listed by its sitemap (fixtures/site/routes.ts). */
const STATIC_PAGES = ['/about/', '/working-groups/', '/resources/'];

describe('parsers', () => {
  it('reads a sitemap and a sitemap index', () => {
    const urlset = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://cabforum.org/2022/11/03/a/</loc><lastmod>2022-11-03T17:00:00+00:00</lastmod></url>
      <url><loc> https://cabforum.org/about/ </loc></url></urlset>`;
    expect(parseSitemap(urlset)).toEqual({
      ok: true,
      pages: [
        { loc: 'https://cabforum.org/2022/11/03/a/', lastmod: '2022-11-03T17:00:00+00:00' },
        { loc: 'https://cabforum.org/about/' },
      ],
      sitemaps: [],
    });
    const index = `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://cabforum.org/s.xml.gz</loc></sitemap></sitemapindex>`;
    expect(parseSitemap(index)).toEqual({ ok: true, pages: [], sitemaps: ['https://cabforum.org/s.xml.gz'] });
    expect(parseSitemap('<urlset><url><loc>x</loc></urlset>')).toEqual({
      ok: false,
      reason: 'invalid XML: unexpected close tag (line 1, column 34)',
    });
    // Past maxPages none is kept, the rest still checked: a broken end is still a broken document.
    const many = `<urlset>${['a', 'b', 'c'].map((loc) => `<url><loc>https://cabforum.org/${loc}/</loc></url>`).join('')}</urlset>`;
    expect(parseSitemap(many, 2)).toEqual({
      ok: true,
      pages: [{ loc: 'https://cabforum.org/a/' }, { loc: 'https://cabforum.org/b/' }],
      sitemaps: [],
      capped: true,
    });
    expect(parseSitemap(many.replace('</urlset>', ''), 2)).toMatchObject({ ok: false });
    expect(parseSitemap('<html></html>')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a sitemap'),
    });
  });

  it('reads a field once, from its own text and CDATA, and refuses what XML refuses', () => {
    const urlset = `<urlset xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
      <url><loc><![CDATA[https://cabforum.org/a/?x=1&y=2]]></loc><image:image><image:loc>https://cabforum.org/i.png</image:loc></image:image></url>
      <url><loc>https://cabforum.org/caf&#233;/</loc><lastmod>2022-11-03</lastmod><lastmod>2022-11-04</lastmod></url>
      <url><loc>https://cabforum.org/b/</loc><loc>https://cabforum.org/c/</loc></url>
      <url><loc>https://cabforum.org/d<x>ignored</x>/</loc></url></urlset>`;
    expect(parseSitemap(urlset)).toEqual({
      ok: true,
      pages: [
        { loc: 'https://cabforum.org/a/?x=1&y=2' },
        { loc: 'https://cabforum.org/café/' },
        { loc: 'https://cabforum.org/d/' },
      ],
      sitemaps: [],
    });
    // Not well-formed: an entity XML does not define, a second root, a raw `&`.
    for (const [xml, reason] of [
      ['<urlset><url><loc>https://cabforum.org/a&nbsp;b/</loc></url></urlset>', 'undefined entity (line 1, column 46)'],
      ['<urlset></urlset><urlset></urlset>', 'documents may contain only one root (line 1, column 25)'],
      ['<urlset><url><loc>https://cabforum.org/?a=1&b=2</loc></url></urlset>', 'invalid XML'],
    ]) {
      expect(parseSitemap(xml!)).toMatchObject({ ok: false, reason: expect.stringContaining(reason!) });
    }
    // A byte-order mark and whitespace after the root are allowed.
    expect(
      parseSitemap('\uFEFF<?xml version="1.0"?><urlset><url><loc>https://cabforum.org/a/</loc></url></urlset>\n'),
    ).toEqual({ ok: true, pages: [{ loc: 'https://cabforum.org/a/' }], sitemaps: [] });
  });

  it('reads an RSS feed with the full publication time', () => {
    const rss = `<rss version="2.0"><channel><title>t</title>
      <item><title>A &amp; B</title><link>https://cabforum.org/2022/11/03/a/</link><pubDate>Thu, 03 Nov 2022 17:00:00 +0000</pubDate>
        <category>Minutes</category><description>Sum</description></item></channel></rss>`;
    expect(parseFeed(rss)).toEqual({
      ok: true,
      items: [
        {
          link: 'https://cabforum.org/2022/11/03/a/',
          title: 'A & B',
          date: '2022-11-03T17:00:00.000Z',
          tags: ['Minutes'],
          description: 'Sum',
        },
      ],
    });
    expect(parseFeed('<rss><channel></channel></rss>')).toEqual({ ok: true, items: [] });
    expect(parseFeed('<nope/>')).toMatchObject({ ok: false });
  });

  it('reads listing entries, pagination and the feed link', () => {
    const html = `<html><head><link rel="alternate" type="application/rss+xml" href="/posts/index.xml"></head><body><main>
      <article><h2><a href="https://cabforum.org/2022/11/03/a/">Title A</a></h2>
        <p>November 3, 2022 by <a href="/author/corey-bonnell/">Corey Bonnell</a></p>
        <p><a href="/tags/code-signing/">Code Signing</a> <a href="/tags/minutes/">Minutes</a></p>
        <div class="summary">The summary.</div></article>
      <article><h2><a href="/old-alias/">Title B</a></h2><p>January 2, 2006 by <a href="/author/ben-wilson/">Ben Wilson</a></p></article>
      <ul class="pagination"><li><a href="/posts/page/2/">2</a></li><li><a href="/posts/page/7/">Last</a></li></ul>
    </main></body></html>`;
    const page = parseListing(html, 'https://cabforum.org/posts/', SITE);
    expect(page.entries).toEqual([
      {
        url: 'https://cabforum.org/2022/11/03/a/',
        title: 'Title A',
        author: 'Corey Bonnell',
        date: '2022-11-03',
        tags: ['Code Signing', 'Minutes'],
        summary: 'The summary.',
      },
      { url: 'https://cabforum.org/old-alias/', title: 'Title B', author: 'Ben Wilson', date: '2006-01-02' },
    ]);
    expect(page.pageNumbers).toEqual([2, 7]);
    expect(page.feeds).toEqual(['https://cabforum.org/posts/index.xml']);
    expect(page.postLinks).toEqual(['https://cabforum.org/2022/11/03/a/']);
  });

  it('finds the title of entries in a flat layout (no wrapper per entry)', () => {
    const html = `<main><h2><a href="/2022/11/03/a/">A</a></h2><p>November 3, 2022 by <a href="/author/x/">X</a></p>
      <h2><a href="/2022/11/04/b/">B</a></h2><p>November 4, 2022 by <a href="/author/y/">Y</a></p></main>`;
    const entries = parseListing(html, 'https://cabforum.org/posts/', SITE).entries;
    expect(entries.map((e) => [e.url, e.author, e.date])).toEqual([
      ['https://cabforum.org/2022/11/03/a/', 'X', '2022-11-03'],
      ['https://cabforum.org/2022/11/04/b/', 'Y', '2022-11-04'],
    ]);
  });

  it('reads long dates without time-zone drift', () => {
    expect(longDate('December 31, 2023 by')).toBe('2023-12-31');
    expect(longDate('Smarch 3, 2022')).toBeUndefined();
  });
});

describe('merging and selection', () => {
  it('takes the author from the listing and the full time from the feed', () => {
    expect(
      mergeHints([
        ['feed', { title: 'Feed title', date: '2022-11-03T17:00:00.000Z', description: 'feed' }],
        [
          'listing',
          {
            title: 'Listing title',
            author: 'Corey Bonnell',
            date: '2022-11-03',
            tags: ['Minutes'],
            description: 'listing',
          },
        ],
      ]),
    ).toEqual({
      title: 'Listing title',
      author: 'Corey Bonnell',
      date: '2022-11-03T17:00:00.000Z',
      tags: ['Minutes'],
      description: 'listing',
    });
  });

  it('unions spellings of one post and skips non-posts with a reason', () => {
    const { candidates, skipped } = unionSightings(
      [
        { url: 'https://cabforum.org/2022/11/03/a/', source: 'sitemap', lastmod: '2022-11-04' },
        { url: 'http://www.cabforum.org/2022/11/03/a/index.html?utm_source=rss', source: 'feed' },
        { url: 'https://cabforum.org/tags/minutes/', source: 'sitemap' },
        { url: 'https://cabforum.org/about/', source: 'sitemap' },
        { url: 'https://github.com/cabforum/x', source: 'listing' },
      ],
      SITE,
    );
    // /about/ is no post by its shape, but only its page can say so: it is judged, not dropped.
    expect([...candidates.keys()]).toEqual(['https://cabforum.org/2022/11/03/a/', 'https://cabforum.org/about/']);
    expect(candidates.get('https://cabforum.org/2022/11/03/a/')?.lastmod).toBe('2022-11-04');
    expect(skipped).toEqual([
      { url: 'https://cabforum.org/tags/minutes/', reason: 'taxonomy page' },
      { url: 'https://github.com/cabforum/x', reason: 'off the site or not an http(s) URL' },
    ]);
  });

  it('keeps every listing entry and feed item, whatever its path, and judges nested permalinks like any other', () => {
    const { candidates, skipped } = unionSightings(
      [
        { url: 'https://cabforum.org/2023/05/11/minutes-of-the-s/mime-working-group/', source: 'sitemap' },
        { url: 'https://cabforum.org/tags/odd-entry/', source: 'listing', entry: true },
        { url: 'https://cabforum.org/1/01/01/undated/', source: 'feed', entry: true },
      ],
      SITE,
    );
    expect([...candidates.keys()].sort()).toEqual([
      'https://cabforum.org/1/01/01/undated/',
      'https://cabforum.org/2023/05/11/minutes-of-the-s/mime-working-group/',
      'https://cabforum.org/tags/odd-entry/',
    ]);
    expect(skipped).toEqual([]);
  });

  const posts = [
    { ...sitePage('https://cabforum.org/2021/01/01/old/'), hints: {} },
    { ...sitePage('https://cabforum.org/2023/05/01/mid/'), hints: { date: '2023-05-01T09:00:00.000Z' } },
    { ...sitePage('https://cabforum.org/2023/05/01/later/'), hints: { date: '2023-05-01T18:00:00.000Z' } },
    { ...sitePage('https://cabforum.org/2024/02/02/new/'), hints: { date: '2024-02-02' } },
  ];
  it('sorts newest first and applies --since and --limit', () => {
    expect(selectPosts(posts, {}).map((p) => p.url.split('/')[6])).toEqual(['new', 'later', 'mid', 'old']);
    expect(selectPosts(posts, { since: '2023-05-01' }).map((p) => p.url.split('/')[6])).toEqual([
      'new',
      'later',
      'mid',
    ]);
    expect(selectPosts(posts, { limit: 2 }).map((p) => p.url.split('/')[6])).toEqual(['new', 'later']);
    expect(selectPosts(posts, { since: '2023-01-01', limit: 1 }).map((p) => p.url.split('/')[6])).toEqual(['new']);
  });

  it('rejects bad --since and --limit values, naming the flag', () => {
    expect(() => selectPosts(posts, { since: 'yesterday' })).toThrow(SelectionError);
    expect(() => selectPosts(posts, { since: 'yesterday' })).toThrow(/--since/);
    expect(() => selectPosts(posts, { limit: 0 })).toThrow(/--limit/);
  });
});

describe('discover against the fixture site', () => {
  const start = (options: FixtureSiteOptions = {}) => startSite(options);
  const permalinks = (s: FixtureSite): string[] => s.posts.map((post) => s.url + wirePath(postPath(post))).sort();
  // The sitemap's static pages are judged by their page too (each is fetched once, then remembered).
  const toJudge = (s: FixtureSite): string[] => [...permalinks(s), ...STATIC_PAGES.map((path) => s.url + path)].sort();

  it('finds every post exactly once, with listing hints and feed times', async () => {
    const { site, fetcher, url } = await start({ pageSize: 10 });
    const messages: string[] = [];
    const found = await discover(url, fetcher, { log: (m) => messages.push(m) });
    expect(site.posts.length).toBeGreaterThanOrEqual(25);
    const urls = found.posts.map((p) => p.url);
    expect(new Set(urls).size).toBe(urls.length);
    expect([...urls].sort()).toEqual(toJudge(site));
    expect(found.failed).toEqual([]);
    expect(found.listed.sort()).toEqual(permalinks(site));

    const feedPaths = new Set(
      site.posts
        .slice()
        .sort((a, b) => Date.parse(b.date) - Date.parse(a.date))
        .slice(0, 30)
        .map(postPath),
    );
    for (const post of site.posts) {
      const found1 = found.posts.find((p) => p.url === site.url + wirePath(postPath(post)));
      expect(found1?.named).toEqual(
        feedPaths.has(postPath(post)) ? ['feed', 'listing', 'sitemap'] : ['listing', 'sitemap'],
      );
      const hints = found1?.hints;
      expect(hints?.author, post.slug).toBe(post.author);
      expect(hints?.title).toBe(post.title);
      if (post.tags.length > 0) expect(hints?.tags).toEqual(post.tags);
      if (post.summary) expect(hints?.description).toBe(post.summary);
      // The feed (newest 30) gives the full time; older posts keep the listing's day.
      if (feedPaths.has(postPath(post))) expect(Date.parse(hints?.date ?? '')).toBe(Date.parse(post.date));
      else expect(hints?.date).toBe(post.date.slice(0, 10));
    }
    expect(found.posts[0]?.lastmod).toBeDefined();
    const dates = found.posts.filter((p) => p.hints.date).map((p) => Date.parse(p.hints.date ?? ''));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(found.skipped).toContainEqual({ url: `${site.url}/posts/`, reason: 'post listing page' });
    expect(messages.some((m) => m.includes('skipped') && m.includes('/posts/'))).toBe(true);
    // Every listing page was read, the feed once, and nothing off the site or under /uploads/.
    const paths = site.log.map((e) => e.path);
    expect(paths.filter((p) => p.startsWith('/posts/page/')).length).toBe(Math.ceil(site.posts.length / 10) - 1);
    expect(paths.filter((p) => p === '/posts/index.xml')).toHaveLength(1);
    expect(paths.some((p) => p.startsWith('/uploads/'))).toBe(false);
  });

  it('records a listing page whose reading fails (a worker thread died) as failed, and reads the rest', async () => {
    const { site, fetcher, url } = await start({ pageSize: 10 });
    const broken = `${site.url}/posts/page/2/`;
    const { readListingJob } = await import('../src/discover/listing.js');
    const found = await discover(url, fetcher, {
      readListing: (job) => {
        if (job.url === broken) return Promise.reject(new Error('convert worker exited (code 1)'));
        return readListingJob(job);
      },
    });
    expect(found.failed).toEqual([{ url: broken, error: 'cannot read it: convert worker exited (code 1)' }]);
    // Every post is still found: the sitemap names them all.
    expect(found.posts.map((p) => p.url).sort()).toEqual(toJudge(site));
  });

  it('reads one sitemap of 130,000 URLs without overflowing the stack, considers 10,000 and says so', async () => {
    const { site, fetcher, url } = await start({ pageSize: 10 });
    const locs = Array.from({ length: 130_000 }, (_, i) => `<url><loc>${site.url}/p/${i}/</loc></url>`).join('');
    site.setRawPage('/sitemap.xml', {
      body: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs}</urlset>`,
      headers: { 'content-type': 'application/xml' },
    });
    const found = await discover(url, fetcher, {});
    expect(found.failed).toEqual([
      {
        url: `${site.url}/sitemap.xml`,
        error: 'the site names more than 10000 new URLs (--max-urls): the rest are not considered this run',
      },
    ]);
    expect(found.posts).toHaveLength(MAX_URLS);
    expect(found.complete).toBe(false);
  }, 60_000);

  it('stops reading child sitemaps once the URL cap is reached', async () => {
    const { site, fetcher, url } = await start({ pageSize: 10 });
    const children = Array.from(
      { length: 300 },
      (_, i) => `<sitemap><loc>${site.url}/child-${i}.xml</loc></sitemap>`,
    ).join('');
    site.setRawPage('/sitemap.xml', {
      body: `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${children}</sitemapindex>`,
      headers: { 'content-type': 'application/xml' },
    });
    for (let i = 0; i < 300; i++) {
      const locs = Array.from({ length: 1_000 }, (_, j) => `<url><loc>${site.url}/c/${i}/${j}/</loc></url>`).join('');
      site.setRawPage(`/child-${i}.xml`, {
        body: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs}</urlset>`,
        headers: { 'content-type': 'application/xml' },
      });
    }
    const found = await discover(url, fetcher, { maxUrls: 5_000 });
    // Read a few at a time, and none once 5,000 URLs are in: one batch past the fifth child at most.
    expect(site.log.filter((e) => /^\/child-\d+\.xml$/.test(e.path)).length).toBeLessThanOrEqual(8);
    expect(found.posts).toHaveLength(5_000);
    expect(found.failed.map((f) => f.error)).toEqual([
      'the site names more than 5000 new URLs (--max-urls): the rest are not considered this run',
    ]);
  }, 60_000);

  it('reads at most 100 sitemaps however many an index names, and says discovery was not complete', async () => {
    const { site, fetcher, url } = await start({ pageSize: 10 });
    const children = Array.from(
      { length: 150 },
      (_, i) => `<sitemap><loc>${site.url}/child-${i}.xml</loc></sitemap>`,
    ).join('');
    site.setRawPage('/sitemap.xml', {
      body: `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${children}</sitemapindex>`,
      headers: { 'content-type': 'application/xml' },
    });
    for (let i = 0; i < 150; i++) {
      site.setRawPage(`/child-${i}.xml`, {
        body: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${site.url}/c/${i}/</loc></url></urlset>`,
        headers: { 'content-type': 'application/xml' },
      });
    }
    const messages: string[] = [];
    const found = await discover(url, fetcher, { log: (m) => messages.push(m) });
    expect(site.log.filter((e) => /^\/child-\d+\.xml$/.test(e.path))).toHaveLength(99);
    expect(found.complete).toBe(false);
    expect(messages.some((m) => m.includes('51 child sitemaps past the cap of 100'))).toBe(true);
  });

  it('reads a sitemap index with a gzipped child', async () => {
    const { site, fetcher, url } = await start({ gzipSitemap: true });
    const found = await discover(url, fetcher, {});
    expect(found.posts.map((p) => p.url).sort()).toEqual(toJudge(site));
    expect(site.log.map((e) => e.path)).toContain('/sitemap-posts.xml.gz');
    expect(found.posts.filter((p) => p.named?.includes('listing')).every((p) => p.lastmod !== undefined)).toBe(true);
  });

  it('keeps an alias page met in the sitemap as a page to judge, never drops it by its shape', async () => {
    const { site, fetcher, url } = await start();
    const oldPath = '/2019/01/01/an-old-permalink/';
    const sitemap = await (
      await fetch(`${site.url}/sitemap.xml`, { headers: { 'accept-encoding': 'identity' } })
    ).text();
    site.setRawPage('/sitemap.xml', {
      body: sitemap.replace('</urlset>', `<url><loc>${site.url}${oldPath}</loc></url>\n</urlset>`),
      headers: { 'content-type': 'application/xml; charset=utf-8' },
    });
    const found = await discover(url, fetcher, {});
    expect(found.posts.find((p) => p.url === site.url + oldPath)?.named).toEqual(['sitemap']);
    // Discovery fetches no page: what a page is, is the sync's verdict on the page itself.
    expect(site.log.some((e) => e.path === oldPath)).toBe(false);
  });

  it('applies --since and --limit', async () => {
    const { site, fetcher, url } = await start();
    const newest = [...site.posts].sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
    const limited = await discover(url, fetcher, { limit: 3 });
    expect(limited.posts.map((p) => p.url)).toEqual(newest.slice(0, 3).map((p) => site.url + wirePath(postPath(p))));
    const since = newest[5]!.date.slice(0, 10);
    const recent = await discover(url, fetcher, { since });
    expect(
      recent.posts
        .map((p) => p.url)
        .filter((u) => !STATIC_PAGES.some((path) => u.endsWith(path)))
        .sort(),
    ).toEqual(
      newest
        .filter((p) => p.date.slice(0, 10) >= since)
        .map((p) => site.url + wirePath(postPath(p)))
        .sort(),
    );
  });

  it('still finds every post when a listing page keeps failing, and reports it', async () => {
    const { site, fetcher, url } = await start({ faults: [{ path: '/posts/page/2/', kind: '503' }] });
    const found = await discover(url, fetcher, {});
    expect(found.failed).toEqual([
      { url: `${site.url}/posts/page/2/`, error: `HTTP 503 after ${FAST_FETCH.retries} retries` },
    ]);
    expect(found.posts.map((p) => p.url).sort()).toEqual(toJudge(site));
  });
});

describe('discover with known posts (incremental paging)', () => {
  const start = () => startSite({ pageSize: 10 });
  const permalinks = (s: FixtureSite): string[] => s.posts.map((post) => s.url + wirePath(postPath(post))).sort();
  const toJudge = (s: FixtureSite): string[] => [...permalinks(s), ...STATIC_PAGES.map((path) => s.url + path)].sort();
  const newestFirst = (s: FixtureSite): SitePost[] =>
    [...s.posts].sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
  const knownOf = (urls: string[]): ((url: string) => boolean) => {
    const set = new Set(urls);
    return (url) => set.has(url);
  };
  const listingPaths = (s: FixtureSite): string[] =>
    s.log.map((e) => e.path).filter((p) => /^\/posts\/(page\/\d+\/)?$/.test(p));
  const postPaths = (s: FixtureSite): string[] => postRequests(s.log).map((e) => e.path);

  it('reads only the first listing page when every post is known, and still every post from the sitemap', async () => {
    const { site, fetcher, url } = await start();
    expect(site.posts.length).toBeGreaterThan(20);
    const found = await discover(url, fetcher, { known: knownOf(permalinks(site)) });
    expect(listingPaths(site)).toEqual(['/posts/']);
    expect(site.log.map((e) => e.path)).toEqual(expect.arrayContaining(['/sitemap.xml', '/posts/index.xml']));
    // Posts beyond the pages read are normal sitemap-only posts, not alias suspects to fetch.
    expect(postPaths(site)).toEqual([]);
    expect(found.posts.map((p) => p.url).sort()).toEqual(toJudge(site));
    expect(found.failed).toEqual([]);
    expect(found.posts[0]?.hints.author).toBe(newestFirst(site)[0]?.author);
  });

  it('finds a new post at the top with its listing hints, reading on to the first page of known posts', async () => {
    const { site, fetcher, url } = await start();
    const known = knownOf(permalinks(site));
    const title = 'Ballot SC-999: A Brand New Ballot';
    const fresh: SitePost = {
      ...newestFirst(site)[0]!,
      title,
      slug: urlize(title),
      date: '2099-01-02T10:00:00+00:00',
      lastmod: undefined,
      author: 'Fresh Author',
      tags: ['Ballots'],
      summary: 'Brand new.',
      aliases: [],
    };
    site.setPosts([fresh, ...site.posts]);
    const found = await discover(url, fetcher, { known });
    // Page 1 holds the new post, so page 2 (all known) is where paging stops.
    expect(listingPaths(site)).toEqual(['/posts/', '/posts/page/2/']);
    expect(found.posts[0]).toMatchObject({
      url: site.url + wirePath(postPath(fresh)),
      hints: { title, author: 'Fresh Author', tags: ['Ballots'], description: 'Brand new.' },
    });
    expect(found.posts.map((p) => p.url).sort()).toEqual(toJudge(site));
    expect(postPaths(site)).toEqual([]);
  });

  it('reads every listing page with full, whatever is known', async () => {
    const { site, fetcher, url } = await start();
    await discover(url, fetcher, { known: knownOf(permalinks(site)), full: true });
    const pages = Math.ceil(site.posts.length / 10);
    expect(listingPaths(site).sort()).toEqual(
      ['/posts/', ...Array.from({ length: pages - 1 }, (_, i) => `/posts/page/${i + 2}/`)].sort(),
    );
  });

  it('reads on until an older post the archive lacks is listed, for its author', async () => {
    const { site, fetcher, url } = await start();
    const missing = newestFirst(site)[25]!; // on page 3
    const found = await discover(url, fetcher, {
      known: knownOf(permalinks(site).filter((u) => u !== site.url + wirePath(postPath(missing)))),
    });
    expect(listingPaths(site).slice(0, 3)).toEqual(['/posts/', '/posts/page/2/', '/posts/page/3/']);
    expect(found.posts.find((p) => p.url === site.url + wirePath(postPath(missing)))?.hints.author).toBe(
      missing.author,
    );
    expect(found.posts.map((p) => p.url).sort()).toEqual(toJudge(site));
    expect(postPaths(site)).toEqual([]);
  });
});
