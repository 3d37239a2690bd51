// The selector walk (src/extract/select.ts): every query of a list in one walk, each tried only on
// the elements that have one of its keys, finding exactly what css-select finds.
import { readdirSync, readFileSync } from 'node:fs';
import { selectAll } from 'css-select';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHROME_RULES } from '../src/extract/chrome-rules.js';
import { loadPage } from '../src/extract/html.js';
import { METADATA_SOURCES } from '../src/extract/metadata-sources.js';
import { compileQuery, queryEach } from '../src/extract/select.js';

const ROOT = new URL('..', import.meta.url).pathname;

describe('queries run together (queryEach)', () => {
  const pages = readdirSync(`${ROOT}fixtures/pages`).filter((name) => name.endsWith('.html'));
  const selectors = [
    ...new Set([
      ...Object.values(CHROME_RULES)
        .flat()
        .map((rule) => rule.selector),
      ...Object.values(METADATA_SOURCES).flatMap((field) =>
        field.sources.flatMap((source) => ('selector' in source ? [source.selector] : [])),
      ),
    ]),
    // Odd selectors too: attribute-only and :is() subjects, case, escapes, non-ASCII, sibling combinators.
    '[data-pagefind-ignore]',
    ':is(.col, footer) > *',
    'DIV.Col',
    '#Content',
    '.a\\:b',
    '.café',
    // Attribute values, with and without case: `rel` and `type` compare in any case in HTML.
    'link[rel="alternate"]',
    '[type="A" i]',
    'a[href!="#x"]',
    'a[title="back to top" s]',
    'a[href$="/X/"]',
    'p:not(.lead)',
    'li + li',
    'h2 ~ p',
    'nav, footer',
    'div:has(> p)',
    'svg path',
    '*',
  ];
  it('has fixture pages and selectors to compare', () => {
    expect(pages.length).toBeGreaterThan(5);
    expect(selectors.length).toBeGreaterThan(20);
  });

  it.each(pages)('finds in %s what css-select finds, selector by selector', (name) => {
    const $ = loadPage(readFileSync(`${ROOT}fixtures/pages/${name}`, 'utf8'));
    const queries = selectors.map(compileQuery);
    const found = queryEach(queries, $.root()[0]!);
    for (const query of queries)
      expect(found.get(query), query.selector).toEqual(selectAll(query.selector, $.root()[0]!));
  });

  it('finds what css-select finds in random documents (property)', () => {
    const queries = selectors.map(compileQuery);
    // Few names, so that keys collide: shared classes, class names inside others (`col`, `col-lg-9`), ids twice.
    const tag = fc.constantFrom(
      'div',
      'p',
      'a',
      'aside',
      'footer',
      'small',
      'nav',
      'section',
      'img',
      'h1',
      'svg',
      'link',
    );
    const attribute = fc.oneof(
      fc.constantFrom('class="col"', 'class="col-lg-9 row"', 'class="x\tcol widget"', 'class="mb-4 mt-2"'),
      fc.constantFrom('class="btn border-bottom"', 'id="content"', 'id="footer"', 'id="Content"', 'class="café"'),
      fc.constantFrom('alt="CA/Browser Forum"', 'title="Back to top"', 'href="#x"', 'data-pagefind-ignore', ''),
      fc.constantFrom(
        'rel="ALTERNATE"',
        'href=""',
        'type="a"',
        'href="/tags/x/"',
        'href="/TAGS/X/"',
        'title="Back To Top"',
      ),
    );
    const tree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((of) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('text', ' '),
        fc
          .tuple(tag, attribute, fc.array(of('node'), { maxLength: 4 }))
          .map(([name, attributes, children]) => `<${name} ${attributes}>${children.join('')}</${name}>`),
      ),
    })).node;
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 5 }), (nodes) => {
        const root = loadPage(`<body>${nodes.join('')}</body>`).root()[0]!;
        const found = queryEach(queries, root);
        for (const query of queries) expect(found.get(query), query.selector).toEqual(selectAll(query.selector, root));
      }),
      { numRuns: 300, seed: 22 },
    );
  });

  it('tests only elements with one of the keys a selector needs, when every part needs one', () => {
    const keys = (selector: string) =>
      compileQuery(selector).keys?.map(({ kind, name, holds }) => `${kind} ${name}${holds ? ` ${holds}` : ''}`);
    expect(keys('div.x > p.y')).toEqual(['class y']);
    expect(keys('p, div.summary, #content')).toEqual(['tag p', 'class summary', 'id content']);
    expect(keys('a[href*="/author/"]:not(.x)')).toEqual(['attribute href /\\/author\\//i']);
    expect(keys('a[title], a[href^="#"], a[href!="x"]')).toEqual(['attribute title', 'attribute href /#/i', 'tag a']);
    expect(keys('.border-bottom:has(> h1), [data-pagefind-ignore]')).toEqual([
      'class border-bottom',
      'attribute data-pagefind-ignore',
    ]);
    expect(keys('DIV.Col')).toEqual(['class Col']);
    // A part any element may match: no keys.
    for (const selector of ['*', 'nav, *', 'DIV', 'svg|a', '[type="A" i]', ':is(.col, footer) > *', ':not(.a)'])
      expect(keys(selector), selector).toBeUndefined();
  });

  it('matches a class as a whole class token, separated by any whitespace', () => {
    const $ = loadPage(
      '<div class="col-lg-9">a</div><div class="x\u00a0col">b</div><div class="colx col">c</div><div class="col-">d</div>',
    );
    const query = compileQuery('.col');
    expect(
      queryEach([query], $.root()[0]!)
        .get(query)!
        .map((element) => $(element).text()),
    ).toEqual(['b', 'c']);
  });
});
