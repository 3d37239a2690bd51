import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROME_RULES, OUTSIDE_CONTENT } from '../src/extract/chrome-rules.js';
import { toArchiveDate } from '../src/extract/dates.js';
import { extractPage, type Extracted, type ExtractedPost, type PageHints } from '../src/extract/extract.js';
import { METADATA_SOURCES } from '../src/extract/metadata-sources.js';

const ROOT = new URL('..', import.meta.url).pathname;
const SEED = readFileSync(`${ROOT}fixtures/pages/2022-11-03-code-signing-minutes.html`, 'utf8');
const SEED_URL = 'https://cabforum.org/2022/11/03/2022-11-03-minutes-of-the-code-signing-certificate-working-group/';
const TITLE = '2022-11-03 Minutes of the Code Signing Certificate Working Group';

/** The seed page with some lines of its markup removed or replaced. */
function seedWith(...edits: Array<[string | RegExp, string]>): string {
  return edits.reduce((html, [from, to]) => {
    const next = html.replace(from, to);
    if (next === html) throw new Error(`edit did not apply: ${String(from)}`);
    return next;
  }, SEED);
}

function post(page: Extracted): ExtractedPost {
  if (page.kind !== 'post') throw new Error(`expected a post, got ${page.kind}: ${JSON.stringify(page)}`);
  return page;
}

const PUBLISHED = /\s*<meta property="article:published_time"[^>]*>/;
const OG_TITLE = /\s*<meta property="og:title"[^>]*>/;
const H1 = /<div class="border-bottom mb-2"><h1>[^<]*<\/h1><\/div>/;

describe('page kinds', () => {
  it('recognises an alias page and returns its absolute target', () => {
    const alias =
      '<!DOCTYPE html><html><head><title>x</title><meta http-equiv="refresh" content="0; url=/2022/11/03/post/"></head></html>';
    expect(extractPage(alias, 'https://cabforum.org/post/')).toEqual({
      kind: 'alias',
      url: 'https://cabforum.org/post/',
      target: 'https://cabforum.org/2022/11/03/post/',
    });
  });

  it('recognises listings by path and by their entries', () => {
    expect(extractPage(SEED, 'https://cabforum.org/tags/code-signing/page/3/').kind).toBe('listing');
    const listing = readFileSync(`${ROOT}fixtures/pages/listing-posts-page-2.html`, 'utf8');
    expect(extractPage(listing, 'https://cabforum.org/news/').kind).toBe('listing');
  });

  it('says what another page is', () => {
    const about = seedWith([PUBLISHED, ''], ['content="article"', 'content="website"']);
    expect(extractPage(about, 'https://cabforum.org/about/')).toEqual({
      kind: 'other',
      url: 'https://cabforum.org/about/',
      reason: 'not a post: no article:published_time, og:type "website", path /about/ (not /YYYY/MM/DD/<title>/)',
    });
  });

  it('fails, naming the URL, on empty, truncated and unusable pages', () => {
    const url = 'https://cabforum.org/2022/11/03/x/';
    expect(extractPage('  \n', url)).toEqual({ kind: 'failed', url, reason: 'empty page' });
    expect(extractPage(SEED.slice(0, SEED.indexOf('<footer')), url)).toMatchObject({
      kind: 'failed',
      reason: 'truncated page: it has the site layout but no footer',
    });
    expect(extractPage('<html><body><p>short</p></body></html>', url)).toMatchObject({
      kind: 'failed',
      url,
      reason: expect.stringContaining('no credible content'),
    });
    const emptyBody = seedWith([
      /<div class="pt-3">[^]*?<\/div>\n {12}<\/div>/,
      '<div class="pt-3"></div>\n            </div>',
    ]);
    // The site layout with a title and no body is a post with an empty body: such posts exist.
    expect(extractPage(emptyBody, url)).toMatchObject({ kind: 'post', contentHtml: '', meta: { title: TITLE } });
    expect(extractPage(SEED, 'not a url')).toMatchObject({ kind: 'failed', reason: 'not an absolute URL: not a url' });
  });
});

describe('the seed-004 page', () => {
  const page = post(extractPage(SEED, SEED_URL));

  it('has its metadata, each field with its source', () => {
    expect(page.meta).toEqual({ title: TITLE, date: '2022-11-03 17:00:00', tags: ['Code Signing'] });
    expect(page.sources).toEqual({ title: 'h1', date: 'article:published_time', tags: 'tags-box' });
    expect(page.canonicalUrl).toBe(SEED_URL);
  });

  it('keeps only the post body', () => {
    expect(page.contentHtml).toContain('<h2 id="attendees">Attendees </h2>');
    for (const chrome of [
      '<h1>',
      'Latest releases',
      'Related posts',
      'Edit this page',
      'voluntary gathering',
      'aria-hidden',
    ])
      expect(page.contentHtml).not.toContain(chrome);
    expect(page.chromeRemoved).toMatchObject({
      [OUTSIDE_CONTENT.id]: 1,
      'title-block': 1,
      'heading-anchor': 4,
      scripts: 0,
    });
  });

  it("never invents the author, aliases or a description (the meta description is Hugo's summary)", () => {
    expect(page.meta).not.toHaveProperty('author');
    expect(page.meta).not.toHaveProperty('aliases');
    expect(page.meta).not.toHaveProperty('description');
  });

  it('is deterministic', () => {
    expect(extractPage(SEED, SEED_URL)).toEqual(page);
  });
});

describe('metadata sources, in their declared order', () => {
  const meta = (html: string, hints?: PageHints, url = SEED_URL) => post(extractPage(html, url, hints));

  it('title: h1, og:title, <title> less the site name, hint', () => {
    expect(meta(seedWith([H1, ''])).sources.title).toBe('og:title');
    const onlyTitle = meta(seedWith([H1, ''], [OG_TITLE, '']));
    expect([onlyTitle.meta.title, onlyTitle.sources.title]).toEqual([TITLE, 'title']);
    const hinted = meta(seedWith([H1, ''], [OG_TITLE, ''], [/<title>[^<]*<\/title>/, '']), { title: 'From the feed' });
    expect([hinted.meta.title, hinted.sources.title]).toEqual(['From the feed', 'hint']);
    expect(extractPage(seedWith([H1, ''], [OG_TITLE, ''], [/<title>[^<]*<\/title>/, '']), SEED_URL)).toMatchObject({
      kind: 'failed',
      reason: expect.stringContaining('no title'),
    });
  });

  it('date: article:published_time (UTC), feed hint, URL day, day-only hint', () => {
    const offset = meta(seedWith(['2022-11-03T17:00:00+00:00', '2022-11-03T13:00:00-04:00']), {
      date: '2001-01-01T00:00:00Z',
    });
    expect([offset.meta.date, offset.sources.date]).toEqual(['2022-11-03 17:00:00', 'article:published_time']);
    const noTime = seedWith([PUBLISHED, '']);
    expect(meta(noTime, { date: 'Thu, 03 Nov 2022 17:00:00 +0000' }).meta.date).toBe('2022-11-03 17:00:00');
    const day = meta(noTime, { date: '2022-11-04' });
    expect([day.meta.date, day.sources.date]).toEqual(['2022-11-03 00:00:00', 'url-day']);
    const hintDay = meta(noTime, { date: '2022-11-04' }, 'https://cabforum.org/posts/x/'.replace('posts', 'p'));
    expect([hintDay.meta.date, hintDay.sources.date]).toEqual(['2022-11-04 00:00:00', 'hint-day']);
    expect(meta(noTime, { date: 'soon' }, 'https://cabforum.org/p/x/').meta).not.toHaveProperty('date');
  });

  it('tags: the Tags box and article:tag metas, box order first, no duplicates', () => {
    const page = meta(
      seedWith([
        '<meta property="article:tag" content="Code Signing">',
        '<meta property="article:tag" content="Minutes"><meta property="article:tag" content="Code Signing">',
      ]),
    );
    expect([page.meta.tags, page.sources.tags]).toEqual([['Code Signing', 'Minutes'], 'tags-box+article:tag']);
  });

  it("description: a real one is kept, Hugo's summary is not", () => {
    const real = meta(
      seedWith([
        /<meta content="Attendees[^"]*" name="description">/,
        '<meta content="What the group decided." name="description">',
      ]),
    );
    expect([real.meta.description, real.sources.description]).toEqual(['What the group decided.', 'description']);
    // A listing entry's summary is a hint: Hugo's automatic one is dropped too, a real one kept.
    const auto = meta(seedWith([/<meta content="Attendees[^"]*" name="description">/, '']), {
      description: 'Attendees Andrea Holland, Atsushi Inaba, Bruce Morton …',
    });
    expect(auto.meta).not.toHaveProperty('description');
    const hinted = meta(seedWith([/<meta content="Attendees[^"]*" name="description">/, '']), {
      description: 'Signing service ballot to vote.',
    });
    expect([hinted.meta.description, hinted.sources.description]).toEqual(['Signing service ballot to vote.', 'hint']);
  });

  it('canonical URL: link rel=canonical, og:url, the page URL', () => {
    const noCanonical = seedWith([/<link rel="canonical"[^>]*>/, '']);
    expect(meta(noCanonical).canonicalUrl).toBe(SEED_URL);
    const neither = seedWith([/<link rel="canonical"[^>]*>/, ''], [/<meta property="og:url"[^>]*>/, '']);
    expect(meta(neither, {}, `${SEED_URL}?from=feed`).canonicalUrl).toBe(`${SEED_URL}?from=feed`);
  });

  it('author and aliases: hints only', () => {
    const page = meta(SEED, { author: 'Corey Bonnell', aliases: ['/old/', '/old/'] });
    expect([page.meta.author, page.meta.aliases, page.sources.author]).toEqual(['Corey Bonnell', ['/old/'], 'hint']);
  });

  it('every field has sources, each with a reason', () => {
    for (const { sources } of Object.values(METADATA_SOURCES))
      for (const source of sources) expect(source.why.length).toBeGreaterThan(5);
  });
});

describe('pages without the site layout', () => {
  const chrome = (body: string): string =>
    `<!DOCTYPE html><html><head><title>Old post | CA/Browser Forum</title></head><body><nav><a href="/">Home</a></nav>${body}<aside><div>Latest releases<p>v1</p></div></aside><footer><a href="x">Edit this page</a><small>The Certification Authority Browser Forum (CA/Browser Forum) is a voluntary gathering of Certificate Issuers.</small></footer></body></html>`;
  const text =
    'A paragraph of the post that is long enough to count as the body of this page for the text heuristic. '.repeat(2);

  it('takes main or article, without the title heading', () => {
    const page = post(
      extractPage(chrome(`<main><h1>Old post</h1><p>${text}</p></main>`), 'https://cabforum.org/2012/01/02/old-post/'),
    );
    expect(page.contentHtml).toBe(`<p>${text}</p>`);
    expect(page.meta).toEqual({ title: 'Old post', date: '2012-01-02 00:00:00' });
    expect(page.chromeRemoved).toMatchObject({
      navbar: 1,
      'latest-releases': 1,
      'edit-page': 1,
      'about-sentence': 1,
      footer: 1,
      'title-block': 1,
    });
  });

  it('falls back to the largest block of text', () => {
    const page = post(
      extractPage(
        chrome(`<div class="a"><p>tiny</p></div><div class="b"><p>${text}</p><p>${text}</p></div>`),
        'https://cabforum.org/2012/01/02/old-post/',
      ),
    );
    expect(page.contentHtml).toBe(`<p>${text}</p><p>${text}</p>`);
  });
});

describe('the chrome table', () => {
  it('has unique ids, grouped by region, each with what and why', () => {
    const rules = [OUTSIDE_CONTENT, ...Object.values(CHROME_RULES).flat()];
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    expect(Object.keys(CHROME_RULES)).toEqual(['header', 'side', 'footer', 'body']);
    for (const rule of rules) expect(rule.what && rule.why).toBeTruthy();
  });

  it('removes chrome that broken markup pulled into the body', () => {
    for (const broken of ['<table><A</table>', '<p><p><table><!</table></p></p>']) {
      const page = post(
        extractPage(seedWith(['<p>Meeting adjourned.</p>', `<p>Meeting adjourned.</p>${broken}`]), SEED_URL),
      );
      for (const chrome of ['Latest releases', 'Related posts', 'Edit this page', 'voluntary gathering'])
        expect(page.contentHtml).not.toContain(chrome);
      expect(page.chromeRemoved['latest-releases']).toBe(1);
    }
  });

  it('flattens a pathologically deep page instead of overflowing the stack', () => {
    const deep = `${'<div>'.repeat(10_000)}deep${'</div>'.repeat(10_000)}`;
    const page = post(
      extractPage(seedWith(['<p>Meeting adjourned.</p>', `<p>Meeting adjourned.</p>${deep}`]), SEED_URL),
    );
    expect(page.contentHtml).toContain('deep');
  });
});

describe('dates', () => {
  it('converts ISO 8601 and RFC 2822 to UTC archive form', () => {
    expect(toArchiveDate('2022-11-03T17:00:00+00:00')).toBe('2022-11-03 17:00:00');
    expect(toArchiveDate('2022-11-03T12:00:00-0500')).toBe('2022-11-03 17:00:00');
    expect(toArchiveDate('2022-11-03T17:00')).toBe('2022-11-03 17:00:00');
    expect(toArchiveDate('2022-11-03')).toBe('2022-11-03 00:00:00');
    expect(toArchiveDate('Thu, 03 Nov 2022 17:00:00 GMT')).toBe('2022-11-03 17:00:00');
    for (const bad of ['2022-02-30', '1', 'yesterday', '2022-13-01T00:00:00Z'])
      expect(toArchiveDate(bad)).toBeUndefined();
    // Hugo's zero date, in a feed: V8's own parser would read the year 0001 as 2001.
    expect(toArchiveDate('Mon, 01 Jan 0001 00:00:00 +0000')).toBe('0001-01-01 00:00:00');
    expect(toArchiveDate('0001-01-01T00:00:00Z')).toBe('0001-01-01 00:00:00');
  });
});
