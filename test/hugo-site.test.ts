// The fixture server serving the real Hugo build in fixtures/hugo/public (scripts/build-hugo-site.sh).
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import type { FixtureSite } from '../fixtures/site/server.js';
import { fixtureSite } from './helpers/site.js';
import { rawGet, type Raw } from './helpers/raw-get.js';

const ROOT = fileURLToPath(new URL('../fixtures/hugo/public/', import.meta.url));
const CODE_SIGNING = '/2022/11/03/2022-11-03-minutes-of-the-code-signing-certificate-working-group/';
const SMIME = '/2023/05/11/minutes-of-the-s/mime-working-group/';
const REUNION =
  '/2024/04/11/r%C3%A9union-ballot-sc-081v3-introduce-schedule-of-reducing-validity-and-data-reuse-periods/';
const BUNDLE = '/2023/03/17/ballot-sc-062v2-certificate-profiles-update/';

/** The path sent exactly as given (a `#` of a title must go as `%23`). */
function rawGetPath(site: FixtureSite, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return rawGet(site.url + path, headers);
}

async function page(site: FixtureSite, path: string): Promise<cheerio.CheerioAPI> {
  const res = await rawGetPath(site, path);
  expect(res.status, path).toBe(200);
  expect(res.headers['content-type'], path).toBe('text/html; charset=utf-8');
  return cheerio.load(res.body.toString('utf8'));
}

describe('the Hugo build served from disk', () => {
  it('serves a post page with validators, its links moved to the fixture host', async () => {
    const site = await fixtureSite({ root: ROOT });
    const res = await rawGetPath(site, CODE_SIGNING);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{20}"$/);
    // From the sitemap's <lastmod>, not the file's mtime.
    expect(res.headers['last-modified']).toBe('Thu, 03 Nov 2022 17:00:00 GMT');
    const $ = cheerio.load(res.body.toString('utf8'));
    expect($('#content[data-pagefind-body] > div.border-bottom.mb-2 > h1').text()).toBe(
      '2022-11-03 Minutes of the Code Signing Certificate Working Group',
    );
    expect($('link[rel="canonical"]').attr('href')).toBe(site.url + CODE_SIGNING);
    expect($('link[rel="alternate"][type="application/rss+xml"]').attr('href')).toBe(`${site.url}/posts/index.xml`);
    expect($('meta[property="article:published_time"]').attr('content')).toBe('2022-11-03T17:00:00+00:00');
    expect($('#content > div.pt-3 a[href="https://github.com/cabforum/code-signing/pull/12"]').text()).toBe('PR');
    expect($('.related-posts li a').length).toBe(5);
    expect(
      $('.tags a')
        .map((_, a) => $(a).attr('href'))
        .get(),
    ).toEqual(['/tags/code-signing/', '/tags/minutes/']);
    expect(res.body.toString('utf8')).not.toContain('https://cabforum.org');
  });

  it('answers a conditional request with 304, by ETag or by date', async () => {
    const site = await fixtureSite({ root: ROOT });
    const first = await rawGetPath(site, CODE_SIGNING);
    const byTag = await rawGetPath(site, CODE_SIGNING, { 'if-none-match': String(first.headers.etag) });
    expect(byTag.status).toBe(304);
    expect(byTag.body.length).toBe(0);
    expect(byTag.headers.etag).toBe(first.headers.etag);
    const byDate = await rawGetPath(site, CODE_SIGNING, {
      'if-modified-since': String(first.headers['last-modified']),
    });
    expect(byDate.status).toBe(304);
    expect(site.log.map((e) => e.status)).toEqual([200, 304, 304]);
  });

  it('serves the nested permalink of an "S/MIME" title and its relative alias one folder up', async () => {
    const site = await fixtureSite({ root: ROOT });
    const $ = await page(site, SMIME);
    expect($('h1').text()).toBe('Minutes of the S/MIME Working Group');
    const alias = await page(site, '/2023/05/11/minutes-of-the-s/smime-wg-minutes-2023-05-11/');
    expect(alias('meta[http-equiv="refresh"]').attr('content')).toBe(`0; url=${site.url}${SMIME}`);
    // The folder between the two halves of the title is no page.
    expect((await rawGetPath(site, '/2023/05/11/minutes-of-the-s/')).status).toBe(404);
  });

  it('serves alias paths as Hugo refresh stubs pointing at the post', async () => {
    const site = await fixtureSite({ root: ROOT });
    const aliases: Record<string, string> = {
      '/2022-11-03-minutes-of-the-code-signing-certificate-working-group/': CODE_SIGNING,
      '/2013/06/14/version-1-3-of-the-ev-guidelines/': '/2013/06/14/version-1.3-of-the-ev-guidelines/',
      '/posts/page/1/': '/posts/',
    };
    for (const [alias, target] of Object.entries(aliases)) {
      const $ = await page(site, alias);
      expect($('meta[http-equiv="refresh"]').attr('content'), alias).toBe(`0; url=${site.url}${target}`);
      expect($('link[rel="canonical"]').attr('href'), alias).toBe(site.url + target);
    }
  });

  it('rewrites the sitemap, the feed and robots.txt to the fixture host', async () => {
    const site = await fixtureSite({ root: ROOT });
    const sitemap = await rawGetPath(site, '/sitemap.xml');
    expect(sitemap.headers['content-type']).toBe('application/xml; charset=utf-8');
    const locs = [...sitemap.body.toString('utf8').matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]!);
    expect(locs.length).toBeGreaterThan(40);
    expect(locs.every((loc) => loc.startsWith(`${site.url}/`))).toBe(true);
    expect(locs).toContain(site.url + SMIME);
    expect(locs).toContain(site.url + REUNION);
    const feed = await rawGetPath(site, '/posts/index.xml');
    expect(feed.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(feed.body.toString('utf8')).toContain(`<link>${site.url}${CODE_SIGNING}</link>`);
    expect((await rawGetPath(site, '/robots.txt')).body.toString('utf8')).toContain(`Sitemap: ${site.url}/sitemap.xml`);
  });

  it('finds percent-encoded non-ASCII and "#" paths in their folders on disk', async () => {
    const site = await fixtureSite({ root: ROOT });
    const reunion = await page(site, REUNION);
    expect(reunion('h1').text()).toBe(
      'Réunion: Ballot SC-081v3 (Introduce Schedule of Reducing Validity and Data Reuse Periods)',
    );
    // Hugo 0.111 leaves the "#" of "#58" raw in the href; only a client that escapes it reaches the page.
    const f2f = await page(site, '/2023/10/17/f2f-meeting-%2358-z%C3%BCrich-switzerland/');
    expect(f2f('h1').text()).toBe('F2F Meeting #58 – Zürich, Switzerland');
    const slash = await rawGetPath(site, REUNION.slice(0, -1));
    expect(slash.status).toBe(301);
    expect(slash.headers.location).toBe(REUNION);
  });

  it('serves attachments with their types, and 404s with the built 404 page', async () => {
    const site = await fixtureSite({ root: ROOT });
    const pdf = await rawGetPath(site, `${BUNDLE}BR-redlined.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.headers['last-modified']).toBe('Fri, 17 Mar 2023 20:00:00 GMT'); // its page's lastmod
    const docx = await rawGetPath(site, `${BUNDLE}SC-062-changes.docx`);
    expect(docx.headers['content-type']).toMatch(/wordprocessingml/);
    const big = await rawGetPath(site, '/uploads/big-slides.pdf');
    expect(big.body.length).toBeGreaterThan(300_000);
    expect(big.headers['last-modified']).toBe('Mon, 15 Jan 2024 00:00:00 GMT');
    const missing = await rawGetPath(site, '/uploads/CABF-F2F-47-Minutes.pdf');
    expect(missing.status).toBe(404);
    expect(missing.body.toString('utf8')).toContain('404 Page not found');
    expect((await rawGetPath(site, '/../package.json')).status).toBe(404);
  });

  it('keeps faults and compression working', async () => {
    const site = await fixtureSite({ root: ROOT, faults: [{ path: SMIME, kind: '503', times: 1 }] });
    expect((await rawGetPath(site, SMIME)).status).toBe(503);
    const healthy = await rawGetPath(site, SMIME, { 'accept-encoding': 'gzip' });
    expect(healthy.status).toBe(200);
    expect(healthy.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(healthy.body).toString('utf8')).toContain('<h1>Minutes of the S/MIME Working Group</h1>');
    expect(site.posts).toEqual([]);
  });
});
