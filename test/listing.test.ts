import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing, type ListingEntry } from '../src/discover/listing.js';
import { defaultPosts } from '../fixtures/site/content.js';
import { renderListingPage } from '../fixtures/site/render.js';
import { postPath } from '../fixtures/site/util.js';

// A listing page's entries must not depend on how many entries the page holds: with a single entry,
// an entry root found only from "holds no other byline" grew to the whole column, and the live page
// header's "Filter posts by Author, Tag or Series" link became a tag "Tag" of that post.

const ROOT = new URL('..', import.meta.url).pathname;
const SITE = new URL('https://cabforum.org');

/** A page cut into what comes before its entries, the entries, and what comes after. */
interface Layout {
  name: string;
  url: string;
  head: string;
  entries: string[];
  tail: string;
}

function cut(name: string, url: string, html: string, entry: RegExp): Layout {
  const entries = [...html.matchAll(entry)].map((m) => m[0]);
  const first = html.indexOf(entries[0]!);
  const last = html.lastIndexOf(entries.at(-1)!) + entries.at(-1)!.length;
  return { name, url, head: html.slice(0, first), entries, tail: html.slice(last) };
}

const page = (layout: Layout, entries: string[]): string => layout.head + entries.join('\n') + layout.tail;

/** The live site's listing page 2 (Hugo-built, with its header's "Filter posts by Author, Tag or Series"). */
const LIVE = cut(
  'live cabforum.org listing',
  'https://cabforum.org/posts/page/2/',
  readFileSync(`${ROOT}fixtures/pages/listing-posts-page-2.html`, 'utf8'),
  /<div class="mb-4">\s*<a href="https:\/\/cabforum\.org\/\d{4}[\s\S]*?<\/span>\s*<\/div>/g,
);
/** Page 2 of the Hugo fixture build (fixtures/hugo/layouts/_default/list.html, partials/entry.html): five entries. */
const HUGO = cut(
  'Hugo fixture build',
  'https://cabforum.org/posts/page/2/',
  readFileSync(`${ROOT}fixtures/hugo/public/posts/page/2/index.html`, 'utf8'),
  /<article class="post-entry[\s\S]*?<\/article>/g,
);

/** One more live-layout entry, made from the first real one with another day and URL. */
function liveEntryOn(day: number): string {
  const date = `2022-09-${String(day).padStart(2, '0')}`;
  return LIVE.entries[0]!.replaceAll('2022/11/17/2022-11-17', `2022/09/${date.slice(8)}/${date}`)
    .replaceAll('2022-11-17', date)
    .replace('November 17, 2022', `September ${day}, 2022`);
}

describe('a listing page with a single entry', () => {
  it('gives the live layout entry exactly its own fields, not the header\'s "Tag" link', () => {
    expect(LIVE.entries).toHaveLength(3);
    const { entries } = parseListing(page(LIVE, [LIVE.entries[0]!]), LIVE.url, SITE);
    // The live entry's text is a truncated excerpt in a <span>: it is not read as a summary.
    expect(entries).toEqual([
      {
        url: 'https://cabforum.org/2022/11/17/2022-11-17-minutes-of-the-code-signing-certificate-working-group/',
        title: '2022-11-17 Minutes of the Code Signing Certificate Working Group',
        author: 'Corey Bonnell',
        date: '2022-11-17',
        tags: ['Code Signing', 'Minutes'],
      },
    ]);
  });

  it('gives a one-entry tag page (live layout) the same entry', () => {
    const html = page(LIVE, [LIVE.entries[1]!]).replace(
      'All CA/Browser Forum Posts',
      '<a href="/posts/">All CA/Browser Forum Posts</a> » Code Signing',
    );
    expect(parseListing(html, 'https://cabforum.org/tags/code-signing/', SITE).entries).toEqual([
      {
        url: 'https://cabforum.org/2022/11/03/2022-11-03-minutes-of-the-code-signing-certificate-working-group/',
        title: '2022-11-03 Minutes of the Code Signing Certificate Working Group',
        author: 'Corey Bonnell',
        date: '2022-11-03',
        tags: ['Code Signing'],
      },
    ]);
  });

  it('gives the Hugo fixture build entry exactly its own fields, summary included', () => {
    // Page 4 of the build holds three entries; with the last two gone it is a one-entry page.
    const page4 = cut(
      '',
      '',
      readFileSync(`${ROOT}fixtures/hugo/public/posts/page/4/index.html`, 'utf8'),
      /<article class="post-entry[\s\S]*?<\/article>/g,
    );
    const { entries } = parseListing(page(page4, [page4.entries[0]!]), 'https://cabforum.org/posts/page/4/', SITE);
    expect(entries).toEqual([
      {
        url: 'https://cabforum.org/2014/09/23/ca/browser-forum-statement-on-certificate-transparency/',
        title: 'CA/Browser Forum Statement on Certificate Transparency',
        author: 'Dean Coclin',
        date: '2014-09-23',
        tags: ['Statements'],
        summary: expect.stringMatching(
          /^The members of the CA\/Browser Forum discussed Certificate Transparency .*mailman\/listinfo\/public\.$/,
        ),
      },
    ]);
  });

  it('takes nothing from the page header or pagination into the entry', () => {
    // A header with an intro paragraph and a link that is not a page link: neither joins the entry.
    const html = `<html><body><div class="wrap"><div class="list">
      <h1>Posts</h1><p>Our <a href="/about/">minutes and ballots</a>, newest first.</p>
      <div class="entry"><a href="/2022/11/03/a/">A</a><small>November 3, 2022</small><div class="summary">Own summary.</div></div>
      </div></div></body></html>`;
    expect(parseListing(html, 'https://cabforum.org/posts/', SITE).entries).toEqual([
      { url: 'https://cabforum.org/2022/11/03/a/', title: 'A', date: '2022-11-03', summary: 'Own summary.' },
    ]);
    const noSummary = html.replace('<div class="summary">Own summary.</div>', '');
    expect(parseListing(noSummary, 'https://cabforum.org/posts/', SITE).entries).toEqual([
      { url: 'https://cabforum.org/2022/11/03/a/', title: 'A', date: '2022-11-03' },
    ]);
    // Pagination after the entry, in the same container: its line is no summary of the entry.
    const paged = `<html><body><div class="list">
      <div class="entry"><a href="/2022/11/03/a/">A</a><small>November 3, 2022</small></div>
      <p class="pages">Page 1 of 2 <a href="/posts/page/2/">Next</a></p></div></body></html>`;
    expect(parseListing(paged, 'https://cabforum.org/posts/', SITE)).toMatchObject({
      entries: [{ url: 'https://cabforum.org/2022/11/03/a/', title: 'A', date: '2022-11-03' }],
      pageNumbers: [2],
    });
  });
});

describe('an entry reads the same whatever the page holds', () => {
  // For each layout: every entry alone, in a pair (first and second place) and among five.
  const synthetic = defaultPosts().slice(0, 5);
  const SYNTHETIC = cut(
    'fixture site (fixtures/site/render.ts)',
    'https://cabforum.org/posts/',
    renderListingPage(synthetic, 1, 3, 'https://cabforum.org'),
    /<article class="post-entry[\s\S]*?<\/article>/g,
  );
  const tagPage = cut(
    'fixture site tag page',
    'https://cabforum.org/tags/minutes/',
    renderListingPage(synthetic, 2, 2, 'https://cabforum.org', '/tags/minutes/', 'Minutes'),
    /<article class="post-entry[\s\S]*?<\/article>/g,
  );
  const layouts: Layout[] = [
    { ...LIVE, entries: [...LIVE.entries, liveEntryOn(8), liveEntryOn(1)] },
    HUGO,
    SYNTHETIC,
    // The same entries on the last page of a tag listing (its own URL and header, no "Next").
    tagPage,
  ];

  for (const layout of layouts) {
    it(`${layout.name}: alone, in a pair, among five`, () => {
      expect(layout.entries).toHaveLength(5);
      const read = (entries: string[]): ListingEntry[] => parseListing(page(layout, entries), layout.url, SITE).entries;
      const five = read(layout.entries);
      expect(five).toHaveLength(5);
      expect(new Set(five.map((e) => e.url)).size).toBe(5);
      layout.entries.forEach((entry, i) => {
        const other = layout.entries[(i + 1) % 5]!;
        expect(read([entry]), `entry ${i} alone`).toEqual([five[i]]);
        expect(read([entry, other])[0], `entry ${i} first of two`).toEqual(five[i]);
        expect(read([other, entry])[1], `entry ${i} second of two`).toEqual(five[i]);
      });
    });
  }

  it("fixture site: the fields are the post's own", () => {
    for (const post of synthetic) {
      const [entry] = parseListing(
        renderListingPage([post], 2, 2, 'https://cabforum.org'),
        'https://cabforum.org/posts/page/2/',
        SITE,
      ).entries;
      expect(entry).toMatchObject({
        url: `https://cabforum.org${postPath(post)}`,
        title: post.title,
        author: post.author,
        date: post.date.slice(0, 10),
      });
      expect(entry?.tags).toEqual(post.tags.length > 0 ? post.tags : undefined);
      if (post.summary) expect(entry?.summary).toBe(post.summary);
    }
  });
});
