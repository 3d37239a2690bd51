import { request } from 'node:http';
import { connect } from 'node:net';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import * as cheerio from 'cheerio';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { defaultPosts } from '../fixtures/site/content.js';
import { markdownToHtml } from '../fixtures/site/markdown.js';
import { startFixtureSite, type FixtureSite, type FixtureSiteOptions } from '../fixtures/site/server.js';
import { syntheticPosts } from '../fixtures/site/synthetic.js';
import { rawGet } from './helpers/raw-get.js';
import { fixtureSite } from './helpers/site.js';
import { fileURLToPath } from 'node:url';
import { buildSiteModel } from '../fixtures/site/routes.js';
import { buildStaticModel } from '../fixtures/site/static.js';
import { postPath, rfc822, urlize, wirePath } from '../fixtures/site/util.js';

const CODE_SIGNING = '/2022/11/03/2022-11-03-minutes-of-the-code-signing-certificate-working-group/';
const xml = new XMLParser({ ignoreAttributes: false });

const start = (options: FixtureSiteOptions = {}): Promise<FixtureSite> =>
  fixtureSite({ idleTimeoutMs: 10_000, ...options });

async function html(site: FixtureSite, path: string): Promise<cheerio.CheerioAPI> {
  const res = await fetch(site.url + wirePath(path));
  expect(res.status, path).toBe(200);
  return cheerio.load(await res.text());
}

describe('pages', () => {
  it('serves a post page with the full anatomy of the live site', async () => {
    const site = await start();
    const $ = await html(site, CODE_SIGNING);
    const title = '2022-11-03 Minutes of the Code Signing Certificate Working Group';
    expect($('title').text()).toBe(`${title} | CA/Browser Forum`);
    expect($('meta[property="og:title"]').attr('content')).toBe(title);
    expect($('meta[property="og:url"]').attr('content')).toBe(site.url + CODE_SIGNING);
    expect($('meta[property="og:type"]').attr('content')).toBe('article');
    expect($('meta[property="article:section"]').attr('content')).toBe('posts');
    expect($('meta[property="article:published_time"]').attr('content')).toBe('2022-11-03T17:00:00+00:00');
    expect($('meta[property="article:modified_time"]').attr('content')).toBe('2022-11-03T17:00:00+00:00');
    expect(
      $('meta[property="article:tag"]')
        .map((_, el) => $(el).attr('content'))
        .get(),
    ).toEqual(['Code Signing']);
    expect($('link[rel="canonical"]').attr('href')).toBe(site.url + CODE_SIGNING);
    expect($('link[rel="alternate"][type="application/rss+xml"]').attr('href')).toBe(`${site.url}/posts/index.xml`);
    expect($('header img[alt="CA/Browser Forum"]').length).toBe(1);
    expect($('header form[role="search"]').length).toBe(1);
    expect($('main small').first().text()).toBe(`Home » All CA/Browser Forum Posts » ${title}`);
    expect($('#content[data-pagefind-body] > div.border-bottom.mb-2 > h1').text()).toBe(title);
    const body = $('#content > div.pt-3');
    expect(body.find('h2#attendees').text()).toBe('Attendees');
    expect(body.find('a[href="https://github.com/cabforum/code-signing/pull/12"]').text()).toBe('PR');
    expect($('.latest-releases h6').length).toBe(4);
    expect($('.related-posts li a').length).toBe(5);
    expect($('.related-posts a[href="' + CODE_SIGNING + '"]').length).toBe(0);
    expect(
      $('.tags a')
        .map((_, el) => $(el).attr('href'))
        .get(),
    ).toEqual(['/tags/code-signing/']);
    expect($('footer a').filter((_, el) => $(el).text().includes('Edit this page')).length).toBe(1);
    expect($('footer').text()).toContain('is a voluntary gathering of Certificate Issuers');
    expect($('script').length).toBeGreaterThan(0);
    expect($.html()).not.toContain('Corey Bonnell</a>'); // the author is on listings only
  });

  it('writes at most six article:tag metas and a description only when the post has a summary', async () => {
    const site = await start();
    const joint = await html(site, '/2023/10/04/joint-session-of-all-working-groups/');
    expect(joint('meta[property="article:tag"]').length).toBe(6);
    expect(joint('.tags a').length).toBe(7);
    expect(joint('meta[name="description"]').length).toBe(0);
    const ballot = await html(site, '/2025/10/13/ballot-smc014-dnssec-validation-for-caa-lookups/');
    expect(ballot('meta[name="description"]').attr('content')).toMatch(/^Certificate Issuers must deploy DNSSEC/);
  });

  it('paginates /posts/ newest first, covering every post exactly once with its listing hints', async () => {
    const site = await start();
    const seen: string[] = [];
    let path: string | undefined = '/posts/';
    let pages = 0;
    while (path) {
      const $ = await html(site, path);
      pages += 1;
      $('article.post-entry').each((_, el) => {
        const entry = $(el);
        // Hrefs as Hugo writes them: `#` of a title raw, so not through a URL parser.
        seen.push(entry.find('h2 a').attr('href')!.slice(site.url.length));
        expect(entry.find('p.small').text()).toMatch(/^[A-Z][a-z]+ \d{1,2}, \d{4} by \S/);
        expect(entry.find('p.small a').attr('href')).toMatch(/^\/author\/[a-z-]+\/$/);
        expect(entry.find('.summary').text().length).toBeGreaterThan(0);
      });
      path = $('a[aria-label="Next"]').attr('href');
    }
    const posts = site.posts;
    expect(pages).toBe(Math.ceil(posts.length / 10));
    expect(seen).toHaveLength(posts.length);
    expect(new Set(seen)).toEqual(new Set(posts.map(postPath)));
    const dates = seen.map((p) => p.slice(1, 11));
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('serves /posts/page/1/ and every post alias as alias redirect pages', async () => {
    const site = await start();
    const page1 = await html(site, '/posts/page/1/');
    expect(page1('meta[http-equiv="refresh"]').attr('content')).toBe(`0; url=${site.url}/posts/`);
    for (const post of site.posts) {
      for (const alias of post.aliases.filter((a) => a !== postPath(post))) {
        const $ = await html(site, alias);
        expect($('link[rel="canonical"]').attr('href')).toBe(site.url + postPath(post));
        expect($('meta[http-equiv="refresh"]').attr('content')).toBe(`0; url=${site.url}${postPath(post)}`);
      }
    }
  });

  it('serves tag and author listings, the home page, a PDF, a 404 page and a slash redirect', async () => {
    const site = await start();
    const tag = await html(site, '/tags/code-signing/');
    expect(tag('h1').text()).toBe('Code Signing');
    const author = await html(site, '/author/corey-bonnell/');
    expect(author('article.post-entry').length).toBeGreaterThan(0);
    const home = await html(site, '/');
    expect(home('#content a[href="/posts/"]').length).toBe(1);
    const pdf = await rawGet(`${site.url}/uploads/x.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    const missing = await fetch(`${site.url}/no/such/page/`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('404 Page not found');
    const noSlash = await rawGet(site.url + CODE_SIGNING.slice(0, -1));
    expect([noSlash.status, noSlash.headers.location]).toEqual([301, CODE_SIGNING]);
  });
});

describe('feeds', () => {
  it('lists every page in the sitemap with a lastmod', async () => {
    const site = await start();
    const doc = xml.parse(await (await fetch(`${site.url}/sitemap.xml`)).text());
    const urls: { loc: string; lastmod: string }[] = doc.urlset.url;
    expect(urls.every((u) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/.test(u.lastmod))).toBe(true);
    const locs = new Set(urls.map((u) => u.loc));
    for (const post of site.posts) expect(locs.has(site.url + postPath(post))).toBe(true);
    for (const path of ['/', '/posts/', '/tags/code-signing/', '/author/corey-bonnell/', '/about/'])
      expect(locs.has(site.url + path)).toBe(true);
  });

  it('serves the sitemap as an index with a gzip child when asked', async () => {
    const site = await start({ gzipSitemap: true });
    const index = xml.parse(await (await fetch(`${site.url}/sitemap.xml`)).text());
    const children: string[] = index.sitemapindex.sitemap.map((s: { loc: string }) => s.loc);
    expect(children).toEqual([`${site.url}/sitemap-posts.xml.gz`, `${site.url}/sitemap-pages.xml`]);
    const gz = await rawGet(children[0]!, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-type']).toBe('application/gzip');
    expect(gz.headers['content-encoding']).toBeUndefined();
    const posts = xml.parse(gunzipSync(gz.body).toString('utf8')).urlset.url;
    expect(posts).toHaveLength(site.posts.length);
  });

  it('keeps the newest 30 posts in the RSS feed, with full publication times', async () => {
    const site = await start();
    const rss = xml.parse(await (await fetch(`${site.url}/posts/index.xml`)).text());
    const items: { link: string; pubDate: string }[] = rss.rss.channel.item;
    expect(site.posts.length).toBeGreaterThan(30);
    expect(items).toHaveLength(30);
    const byPath = new Map(site.posts.map((p) => [site.url + postPath(p), p]));
    for (const item of items) expect(item.pubDate).toBe(rfc822(byPath.get(item.link)!.date));
    expect(items.map((i) => i.link)).toContain(site.url + CODE_SIGNING);
    expect(rfc822('2023-05-11T09:00:00-07:00')).toBe('Thu, 11 May 2023 09:00:00 -0700');
  });

  it('serves robots.txt that disallows /search/ and names the sitemap, or the one given', async () => {
    const site = await start();
    expect(await (await fetch(`${site.url}/robots.txt`)).text()).toBe(
      `User-agent: *\nDisallow: /search/\n\nSitemap: ${site.url}/sitemap.xml\n`,
    );
    const strict = await start({ robotsTxt: 'User-agent: *\nCrawl-delay: 2\n' });
    expect(await (await fetch(`${strict.url}/robots.txt`)).text()).toBe('User-agent: *\nCrawl-delay: 2\n');
  });
});

describe('validators and encodings', () => {
  it('answers 304 to a matching If-None-Match or If-Modified-Since, and logs both headers', async () => {
    const site = await start();
    const first = await rawGet(site.url + CODE_SIGNING);
    const etag = String(first.headers.etag);
    const lastModified = String(first.headers['last-modified']);
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(lastModified).toBe(new Date('2022-11-03T17:00:00Z').toUTCString());
    const byTag = await rawGet(site.url + CODE_SIGNING, { 'if-none-match': etag });
    expect([byTag.status, byTag.body.length, byTag.headers.etag]).toEqual([304, 0, etag]);
    const byDate = await rawGet(site.url + CODE_SIGNING, { 'if-modified-since': lastModified });
    expect(byDate.status).toBe(304);
    const stale = await rawGet(site.url + CODE_SIGNING, {
      'if-none-match': '"other"',
      'if-modified-since': lastModified,
    });
    expect(stale.status).toBe(200); // If-None-Match wins
    expect(site.log.map((e) => [e.status, e.ifNoneMatch, e.ifModifiedSince])).toEqual([
      [200, undefined, undefined],
      [304, etag, undefined],
      [304, undefined, lastModified],
      [200, '"other"', lastModified],
    ]);
  });

  it('never answers 304 with ignoreValidators, yet still sends validators', async () => {
    const site = await start({ ignoreValidators: true });
    const first = await rawGet(site.url + CODE_SIGNING);
    const again = await rawGet(site.url + CODE_SIGNING, { 'if-none-match': String(first.headers.etag) });
    expect([again.status, again.headers.etag]).toEqual([200, first.headers.etag]);
  });

  it('changes ETag, Last-Modified and sitemap lastmod when a post is edited, and drops removed posts', async () => {
    const site = await start();
    const before = await rawGet(site.url + CODE_SIGNING);
    const edited = site.posts.map((p) =>
      postPath(p) === CODE_SIGNING
        ? { ...p, bodyHtml: `${p.bodyHtml}<p>Edited.</p>\n`, lastmod: '2024-02-01T10:00:00+00:00' }
        : p,
    );
    site.setPosts(edited.filter((p) => !p.title.startsWith('Ballot SC-089')));
    const after = await rawGet(site.url + CODE_SIGNING, { 'if-none-match': String(before.headers.etag) });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.headers['last-modified']).toBe(new Date('2024-02-01T10:00:00Z').toUTCString());
    const sitemap = await (await fetch(`${site.url}/sitemap.xml`)).text();
    expect(sitemap).toContain(
      `<loc>${site.url}${CODE_SIGNING}</loc>\n    <lastmod>2024-02-01T10:00:00+00:00</lastmod>`,
    );
    expect((await fetch(`${site.url}/2025/08/26/ballot-sc-089-mass-revocation-planning/`)).status).toBe(404);
  });

  it('compresses with gzip or brotli when the client accepts it, and answers HEAD without a body', async () => {
    const site = await start();
    const plain = await rawGet(site.url + CODE_SIGNING);
    const gzip = await rawGet(site.url + CODE_SIGNING, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    const br = await rawGet(site.url + CODE_SIGNING, { 'accept-encoding': 'br, gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const head = await rawGet(site.url + CODE_SIGNING, {}, 'HEAD');
    expect([head.status, head.body.length, head.headers['content-length']]).toEqual([
      200,
      0,
      String(plain.body.length),
    ]);
  });

  it('with precompute, serves every path byte for byte as the lazy site does, in every encoding', async () => {
    const hugoRoot = fileURLToPath(new URL('../fixtures/hugo/public/', import.meta.url));
    for (const options of [{ posts: syntheticPosts(25) }, { root: hugoRoot }] as FixtureSiteOptions[]) {
      const lazy = await start(options);
      const eager = await start({ ...options, precompute: true });
      const paths = buildModelPaths(options, lazy.url);
      expect(paths.length).toBeGreaterThan(20);
      for (const path of paths) {
        for (const encoding of ['br', 'gzip', 'identity']) {
          const [a, b] = await Promise.all(
            [lazy, eager].map((site) => rawGet(site.url + wirePath(path), { 'accept-encoding': encoding })),
          );
          expect([b!.status, b!.headers['content-encoding']], `${path} ${encoding}`).toEqual([
            a!.status,
            a!.headers['content-encoding'],
          ]);
          // The sites run on two ports, and the bodies link each one's own: compared decoded, port for port.
          const text = (res: typeof a, site: FixtureSite) =>
            decoded(res!).toString('latin1').replaceAll(site.url, 'http://site');
          expect(text(b, eager), `${path} ${encoding}`).toBe(text(a, lazy));
        }
      }
    }
  });

  it('serves raw pages as given, overriding generated ones, until removed', async () => {
    const site = await start({
      rawPages: { '/posts/': { body: 'hello', status: 418, headers: { 'content-type': 'text/plain' } } },
    });
    const raw = await rawGet(`${site.url}/posts/`);
    expect([raw.status, raw.body.toString(), raw.headers['content-type']]).toEqual([418, 'hello', 'text/plain']);
    site.setRawPage('/posts/', undefined);
    expect((await rawGet(`${site.url}/posts/`)).status).toBe(200);
  });
});

describe('faults', () => {
  it('answers 429 with Retry-After, then healthy after `times`', async () => {
    const site = await start({ faults: [{ path: CODE_SIGNING, kind: '429', times: 2, retryAfter: 7 }] });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await rawGet(site.url + CODE_SIGNING);
      statuses.push([res.status, res.headers['retry-after']]);
    }
    expect(statuses).toEqual([
      [429, '7'],
      [429, '7'],
      [200, undefined],
    ]);
    expect(site.log.map((e) => e.fault)).toEqual(['429', '429', undefined]);
  });

  it('answers 503 with Retry-After only when the spec has one', async () => {
    const site = await start({
      faults: [
        { path: '/posts/', kind: '503' },
        { path: '/tags/', kind: '503', retryAfter: 2 },
      ],
    });
    const bare = await rawGet(`${site.url}/posts/`);
    expect([bare.status, bare.headers['retry-after']]).toEqual([503, undefined]);
    const timed = await rawGet(`${site.url}/tags/`);
    expect([timed.status, timed.headers['retry-after']]).toEqual([503, '2']);
  });

  it('resets the connection, and logs the request with status 0', async () => {
    const site = await start({ faults: [{ path: CODE_SIGNING, kind: 'reset', times: 1 }] });
    await expect(rawGet(site.url + CODE_SIGNING)).rejects.toThrow(/ECONNRESET|socket hang up/);
    expect((await rawGet(site.url + CODE_SIGNING)).status).toBe(200);
    expect(site.log.map((e) => [e.status, e.fault])).toEqual([
      [0, 'reset'],
      [200, undefined],
    ]);
  });

  it('stalls a body until the client gives up, or sends the rest after `ms`', async () => {
    const site = await start({
      faults: [
        { path: CODE_SIGNING, kind: 'stall', ms: 60_000, times: 1 },
        { path: '/posts/', kind: 'stall', ms: 20 },
      ],
    });
    const gaveUp = new Promise<number>((resolve, reject) => {
      const req = request(site.url + CODE_SIGNING, { agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          req.destroy(); // the client gives up after the first bytes
        });
        res.on('close', () => resolve(bytes));
      });
      req.on('error', () => undefined);
      req.on('close', () => undefined);
      req.end();
      setTimeout(() => reject(new Error('no bytes came')), 10_000).unref();
    });
    expect(await gaveUp).toBeGreaterThan(0);
    await waitFor(() => site.inFlight() === 0);
    expect(site.log[0]).toMatchObject({ status: 200, fault: 'stall' });
    const patient = await rawGet(`${site.url}/posts/`);
    expect(patient.body.toString()).toContain('</html>');
  });

  it('cuts a body short of its Content-Length', async () => {
    const site = await start({ faults: [{ path: CODE_SIGNING, kind: 'truncate' }] });
    await expect(rawGet(site.url + CODE_SIGNING)).rejects.toThrow(/aborted|ECONNRESET|socket hang up/);
    await expect(fetch(site.url + CODE_SIGNING).then((r) => r.text())).rejects.toThrow();
    expect(site.log[0]!.bytes).toBeGreaterThan(0);
  });

  it('redirects in a loop between two paths', async () => {
    const site = await start({ faults: [{ path: CODE_SIGNING, kind: 'redirect-loop' }] });
    const first = await rawGet(site.url + CODE_SIGNING);
    expect([first.status, first.headers.location]).toEqual([302, `/__loop${CODE_SIGNING}`]);
    const second = await rawGet(site.url + String(first.headers.location));
    expect([second.status, second.headers.location]).toEqual([302, CODE_SIGNING]);
    await expect(fetch(site.url + CODE_SIGNING)).rejects.toThrow();
  });

  it('streams an oversize body and stops writing when the client goes away', async () => {
    const site = await start({
      faults: [
        { path: '/big/', kind: 'oversize', bytes: 3_000_000 },
        { path: '/huge/', kind: 'oversize' },
      ],
    });
    const big = await rawGet(`${site.url}/big/`);
    expect(big.headers['content-length']).toBeUndefined();
    expect(big.body.length).toBeGreaterThan(3_000_000);
    const res = await fetch(`${site.url}/huge/`);
    const reader = res.body!.getReader();
    let read = 0;
    while (read < 1_000_000) read += (await reader.read()).value?.length ?? 0;
    await reader.cancel();
    await waitFor(() => site.inFlight() === 0);
    expect(site.log[1]!.bytes).toBeLessThan(12 * 1024 * 1024);
  });

  it('serves an HTML path as image/png, and a page with invalid UTF-8', async () => {
    const site = await start({
      faults: [
        { path: '/posts/', kind: 'wrong-type' },
        { path: CODE_SIGNING, kind: 'bad-utf8' },
      ],
    });
    const png = await rawGet(`${site.url}/posts/`);
    expect(png.headers['content-type']).toBe('image/png');
    const bad = await rawGet(site.url + CODE_SIGNING);
    expect(bad.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bad.body)).toThrow();
    expect(bad.body.toString('utf8')).toContain(
      '<h1>2022-11-03 Minutes of the Code Signing Certificate Working Group</h1>',
    );
  });

  it('delays a response with the latency fault, then serves it', async () => {
    const site = await start({ faults: [{ path: CODE_SIGNING, kind: 'latency', ms: 30 }] });
    expect((await rawGet(site.url + CODE_SIGNING)).status).toBe(200);
    expect(site.log[0]!.fault).toBe('latency');
  });

  it('picks random faults deterministically from the seed, whatever the request order', async () => {
    const paths = site0Paths();
    const run = async (order: string[]): Promise<Map<string, string>> => {
      const site = await start({ randomFaults: { seed: 42, rate: 0.5, kinds: ['429', '503'] } });
      for (const path of order) await rawGet(site.url + path);
      return new Map(site.log.map((e) => [e.path, `${e.status}`]));
    };
    const forward = await run(paths);
    const backward = await run([...paths].reverse());
    expect(backward).toEqual(forward);
    const statuses = [...forward.values()];
    expect(statuses).toContain('200');
    expect(statuses.some((s) => s === '429' || s === '503')).toBe(true);
  });

  it('replaces faults with setFaults', async () => {
    const site = await start({ faults: [{ path: '/posts/', kind: '503' }] });
    expect((await rawGet(`${site.url}/posts/`)).status).toBe(503);
    site.setFaults([]);
    expect((await rawGet(`${site.url}/posts/`)).status).toBe(200);
  });
});

describe('lifecycle', () => {
  it('listens on 127.0.0.1, records the concurrency it sees, and closes keep-alive sockets', async () => {
    const site = await start({ latencyMs: 100 });
    expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await Promise.all(
      ['/', '/posts/', '/tags/', '/author/', '/robots.txt'].map((p) => fetch(site.url + p).then((r) => r.text())),
    );
    expect(site.maxInFlight()).toBe(5);
    await site.close();
    await expect(fetch(`${site.url}/`)).rejects.toThrow();
  });

  it('stops by itself when idle', async () => {
    const site = await startFixtureSite({ idleTimeoutMs: 50 });
    expect((await fetch(`${site.url}/robots.txt`)).status).toBe(200);
    // Probe with bare TCP connects: an HTTP request would count as activity and keep the site awake.
    await waitFor(() => refused(site.url), 400);
  });
});

describe('synthetic posts', () => {
  it('generates 3,000 deterministic posts of realistic size that the site serves', async () => {
    const posts = syntheticPosts(3000, 7);
    expect(syntheticPosts(3000, 7)).toEqual(posts);
    expect(new Set(posts.map(postPath)).size).toBe(3000);
    const sizes = posts.map((p) => p.bodyHtml.length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...sizes)).toBeLessThan(22_000);
    expect(posts.some((p) => p.bodyHtml.includes('<table>'))).toBe(true);
    expect(posts.some((p) => p.bodyHtml.includes('<ul>'))).toBe(true);
    expect(posts.every((p) => p.slug === urlize(p.title))).toBe(true);
    const site = await start({ posts });
    const last = await html(site, '/posts/page/300/');
    expect(last('article.post-entry')).toHaveLength(10);
    expect((await fetch(`${site.url}/posts/page/301/`)).status).toBe(404);
    const oldest = posts[posts.length - 1]!;
    expect((await html(site, postPath(oldest)))('h1').text()).toBe(oldest.title);
  });
});

describe('content', () => {
  it('has at least 28 posts, 3 authors, tags, and unique permalinks', () => {
    const posts = defaultPosts();
    expect(posts.length).toBeGreaterThanOrEqual(28);
    expect(new Set(posts.map((p) => p.author)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(posts.map(postPath)).size).toBe(posts.length);
    expect(posts.every((p) => p.slug === urlize(p.title))).toBe(true);
  });

  it('renders Markdown the way goldmark does on the site', () => {
    expect(markdownToHtml(`## It's "done" -- really...\n\nSee https://example.com/a.\n`)).toBe(
      '<h2 id="its-done----really">It&rsquo;s &ldquo;done&rdquo; &ndash; really&hellip;</h2>\n<p>See <a href="https://example.com/a">https://example.com/a</a>.</p>\n',
    );
    expect(markdownToHtml('| a | b |\n|---|---|\n| 1 | 2 |\n')).toBe(
      '<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n',
    );
    expect(markdownToHtml('Note[^1].\n\n[^1]: A note.\n')).toContain(
      '<li id="fn:1">\n<p>A note.&#160;<a href="#fnref:1"',
    );
    expect(markdownToHtml('- a\n\n- b\n')).toBe('<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>\n');
  });
});

function site0Paths(): string[] {
  return defaultPosts().slice(0, 12).map(postPath);
}

/** Polls a condition (an event the test waits for, not a timing assertion). */
async function waitFor(condition: () => boolean | Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition never became true');
}

/** True when nothing listens at the URL any more. */
function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Every path of the site `options` describe, from a model built aside (the server's is private). */
function buildModelPaths(options: FixtureSiteOptions, url: string): string[] {
  const model =
    options.root === undefined
      ? buildSiteModel(options.posts ?? [], { siteUrl: url, pageSize: 10 })
      : buildStaticModel(options.root, url);
  return model.paths();
}

function decoded(res: { headers: Record<string, string | string[] | undefined>; body: Buffer }): Buffer {
  const encoding = res.headers['content-encoding'];
  return encoding === 'br' ? brotliDecompressSync(res.body) : encoding === 'gzip' ? gunzipSync(res.body) : res.body;
}
