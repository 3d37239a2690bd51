import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROME_RULES } from '../src/extract/chrome-rules.js';
import { extractPage } from '../src/extract/extract.js';
import { isGuess, METADATA_SOURCES } from '../src/extract/metadata-sources.js';
import { formatHealth, healthReport, pageHealth, siteHealth, type PageRecord } from '../src/health/health.js';
import { bodyOf, countLinks, countTableCells, countWords } from '../src/health/measure.js';
import { FIELD_EXPECTATIONS, OPTIONAL_CHROME } from '../src/health/rules.js';

const URL_A = 'https://cabforum.org/2022/11/03/2022-11-03-minutes-of-the-code-signing-certificate-working-group/';
const STRONG = { title: 'h1', date: 'article:published_time', tags: 'tags-box' };
const HTML = readFileSync(new URL('../fixtures/pages/2022-11-03-code-signing-minutes.html', import.meta.url), 'utf8');

function words(n: number): string {
  return Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
}

function table(rows: number): string {
  return [
    '| Ballot | Result |',
    '| --- | :-: |',
    ...Array.from({ length: rows }, (_, i) => `| SC-0${i} | passed |`),
  ].join('\n');
}

describe('Markdown measures', () => {
  it('counts words without URLs, tags or front matter', () => {
    expect(
      countWords(
        '---\ntitle: Not counted here\n---\nThe “ballot” SC-089 passed, see [the text](https://cabforum.org/x/) or https://github.com/cabforum/servercert.',
      ),
    ).toBe(8);
    expect(bodyOf('---\na: 1\n---\nbody')).toBe('body');
    expect(countWords('<p>two words</p>')).toBe(2);
  });

  it('counts inline links, images, HTML anchors and bare or autolinked URLs once each', () => {
    const md = [
      'See [PR](https://github.com/cabforum/servercert/pull/1) and ![logo](/images/logo.svg "Logo").',
      'A URL with parentheses: [wiki](https://en.wikipedia.org/wiki/X_(y)).',
      'Bare https://lists.cabforum.org/a and <https://cabforum.org/b/>.',
      '<a href="https://cabforum.org/c/">c</a>',
      '[ref]: https://cabforum.org/ref/',
    ].join('\n');
    expect(countLinks(md)).toBe(7);
    expect(countLinks('PR () and GitHub()')).toBe(0);
  });

  it('counts pipe-table cells without the delimiter row, and HTML cells', () => {
    expect(countTableCells(table(3))).toBe(8);
    expect(countTableCells('a | b\n--- | ---\n1 | 2\n\nafter | the table\n')).toBe(4);
    expect(countTableCells('| one \\| cell | two |\n|---|---|\n')).toBe(2);
    expect(countTableCells('<table><tr><th>a</th><td>b</td></tr></table>')).toBe(2);
    expect(countTableCells('Heading | with pipe\n---\n')).toBe(0);
  });
});

describe('pageHealth', () => {
  const base = { url: URL_A, chromeRemoved: {} };

  it('finds nothing wrong with strong sources and an unchanged body', () => {
    const md = `${words(50)}\n\n[a](https://a/) [b](https://b/) [c](https://c/)\n\n${table(4)}`;
    expect(pageHealth({ ...base, sources: STRONG, markdown: md, archivedMarkdown: md })).toEqual([]);
  });

  it('flags each field taken from a fallback source, not a field without any source', () => {
    const issues = pageHealth({
      ...base,
      sources: { title: 'og:title', date: 'url-day', description: 'hint' },
      markdown: 'x',
    });
    expect(issues).toEqual([
      {
        kind: 'weak-source',
        field: 'title',
        source: 'og:title',
        expected: ['h1'],
        message: 'title came from og:title, not h1',
      },
      {
        kind: 'weak-source',
        field: 'date',
        source: 'url-day',
        expected: ['article:published_time'],
        message: 'date came from url-day, not article:published_time',
      },
    ]);
  });

  it('flags a body that lost more than a third of its words, links or table cells', () => {
    const archived = `${words(60)}\n\n${'[l](https://cabforum.org/l/) '.repeat(6)}\n\n${table(5)}`;
    const shrunk = `${words(39)}\n\n${'l () '.repeat(6)}\n\n${table(2)}`;
    const issues = pageHealth({ ...base, sources: STRONG, markdown: shrunk, archivedMarkdown: archived });
    expect(issues.map((i) => i.kind === 'body-shrank' && [i.measure, i.before, i.after])).toEqual([
      // Link texts and table cells are words too.
      ['words', 78, 51],
      ['links', 6, 0],
      ['table cells', 12, 6],
    ]);
    expect(issues[1]!.message).toBe('body lost 100% of its links against the archive (6 → 0)');
  });

  it('lets a third go, ignores small bodies, and skips the comparison for a new post', () => {
    expect(pageHealth({ ...base, sources: STRONG, markdown: words(40), archivedMarkdown: words(60) })).toEqual([]);
    expect(
      pageHealth({
        ...base,
        sources: STRONG,
        markdown: '[a](https://a/)',
        archivedMarkdown: '[a](https://a/) [b](https://b/)',
      }),
    ).toEqual([]);
    expect(pageHealth({ ...base, sources: STRONG, markdown: '' })).toEqual([]);
  });
});

describe('siteHealth', () => {
  const healthy = extractPage(HTML, URL_A);
  if (healthy.kind !== 'post') throw new Error('fixture page is not a post');
  const record = (patch: Partial<PageRecord> = {}): PageRecord => ({
    url: URL_A,
    sources: healthy.sources,
    chromeRemoved: healthy.chromeRemoved,
    ...patch,
  });

  it('is quiet for the live layout, and for fewer than five pages whatever they say', () => {
    expect(siteHealth(Array.from({ length: 6 }, () => record()))).toEqual([]);
    expect(
      siteHealth(Array.from({ length: 4 }, () => record({ chromeRemoved: {}, sources: { date: 'url-day' } }))),
    ).toEqual([]);
  });

  it('warns about a required chrome rule matching on fewer than half the pages, never an optional one', () => {
    const gone = { ...healthy.chromeRemoved, footer: 0, 'heading-anchor': 0, 'release-unavailable': 0 };
    const pages = [...Array.from({ length: 3 }, () => record({ chromeRemoved: gone })), record(), record()];
    expect(siteHealth(pages)).toEqual([
      {
        kind: 'chrome-rule-unmatched',
        rule: 'footer',
        matched: 2,
        pages: 5,
        message: 'chrome rule footer removed something on only 2 of 5 post pages: the layout may have changed',
      },
    ]);
    expect(siteHealth([...pages, record()])).toEqual([]);
  });

  it('warns about a field whose expected source stopped matching, counting only pages that have the field', () => {
    const pages = [
      ...Array.from({ length: 4 }, () => record({ sources: { ...STRONG, date: 'url-day' } })),
      ...Array.from({ length: 3 }, () => record({ sources: { title: 'h1', date: 'article:published_time' } })),
    ];
    expect(siteHealth(pages)).toEqual([
      {
        kind: 'source-unmatched',
        field: 'date',
        expected: ['article:published_time'],
        matched: 3,
        pages: 7,
        message: 'date came from article:published_time on only 3 of 7 post pages: the layout may have changed',
      },
    ]);
  });

  // The template changes of issue 7, through the real extractor: each one is heard.
  const changes: [string, (html: string) => string, RegExp[]][] = [
    [
      'side column renamed',
      (h) => h.replace('<div class="col">', '<div class="sidebar">'),
      [
        /chrome rule side-column/,
        /chrome rule related-posts/,
        /tags came from/,
        /: tags came from article:tag, not tags-box/,
      ],
    ],
    [
      '#content gone',
      (h) => h.replace('<div id="content"', '<div id="page-body"'),
      [/title came from h1 on only 0 of 5/, /: title came from og:title, not h1/],
    ],
    [
      'article:published_time dropped',
      (h) => h.replace(/<meta property="article:published_time"[^>]*>/, ''),
      [/date came from article:published_time on only 0 of 5/, /: date came from url-day/],
    ],
  ];
  for (const [name, change, expected] of changes) {
    it(`hears a template change: ${name}`, () => {
      const page = extractPage(change(HTML), URL_A);
      if (page.kind !== 'post') throw new Error(`${name}: not a post any more`);
      const pages = Array.from({ length: 5 }, () => ({
        url: URL_A,
        sources: page.sources,
        chromeRemoved: page.chromeRemoved,
        issues: pageHealth({ url: URL_A, sources: page.sources, chromeRemoved: page.chromeRemoved, markdown: '' }),
      }));
      const lines = formatHealth(healthReport(pages)).join('\n');
      for (const pattern of expected) expect(lines).toMatch(pattern);
    });
  }
});

describe('health report', () => {
  it('keeps only pages with issues and prints site warnings first', () => {
    const ok = { url: 'https://cabforum.org/ok/', sources: STRONG, chromeRemoved: {}, issues: [] };
    const weak = {
      url: 'https://cabforum.org/weak/',
      sources: { date: 'url-day' },
      chromeRemoved: {},
      issues: pageHealth({
        url: 'https://cabforum.org/weak/',
        sources: { date: 'url-day' },
        chromeRemoved: {},
        markdown: '',
      }),
    };
    const report = healthReport([ok, weak]);
    expect(report.warnings).toEqual([]);
    expect(report.pages).toEqual([{ url: weak.url, issues: weak.issues }]);
    expect(formatHealth(report)).toEqual([
      'health: https://cabforum.org/weak/: date came from url-day, not article:published_time',
    ]);
    expect(formatHealth({ warnings: [], pages: [] })).toEqual([]);
  });
});

describe('health tables', () => {
  it('name only chrome rules and metadata sources that exist', () => {
    const ruleIds = new Set(Object.values(CHROME_RULES).flatMap((rules) => rules.map((rule) => rule.id)));
    for (const { rule } of OPTIONAL_CHROME) expect(ruleIds, rule).toContain(rule);
    for (const { field, expected } of FIELD_EXPECTATIONS) {
      const ids = METADATA_SOURCES[field].sources.map((source) => source.id);
      for (const id of expected) expect(ids, `${field}: ${id}`).toContain(id);
    }
  });

  it('take "expected" and "weak" from the one trust column of the metadata-sources table', () => {
    expect(Object.fromEntries(FIELD_EXPECTATIONS.map(({ field, expected }) => [field, expected]))).toEqual({
      title: ['h1'],
      date: ['article:published_time'],
      tags: ['tags-box'],
    });
    // Guesses never overwrite the archive: the URL's day, a listing's day, and any description (Hugo's summary).
    expect(isGuess('date', 'url-day')).toBe(true);
    expect(isGuess('date', 'hint-day')).toBe(true);
    expect(isGuess('date', 'hint')).toBe(false);
    expect(isGuess('description', 'description')).toBe(true);
    expect(isGuess('description', 'hint')).toBe(true);
    expect(isGuess('tags', 'tags-box+hint')).toBe(false);
    expect(isGuess('title', 'og:title')).toBe(false);
  });
});
