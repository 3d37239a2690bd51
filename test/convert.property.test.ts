// Property: a random Markdown document, rendered as the site renders it and put in a post page,
// comes back from extract + convert as Markdown that renders to the same body (test/helpers/render.ts).
// CABSYNC_PROPERTY_RUNS raises the number of cases locally (CI: 10,000), CABSYNC_PROPERTY_SEED picks the seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyMarkdown, htmlToMarkdown } from '../src/convert/convert.js';
import { extractParsedPage, type ExtractedPost } from '../src/extract/extract.js';
import { normalizeHtml, render } from './helpers/render.js';
import { postPage } from './helpers/post-page.js';
import { FOUND } from './helpers/property-cases.js';
import { document } from './helpers/property-documents.js';
import { SIDE_BY_SIDE, skipReason } from './helpers/property-skips.js';

const RUNS = Number(process.env.CABSYNC_PROPERTY_RUNS ?? 10_000);
// A fixed seed by default: CI runs the same 10,000 documents every time. Rare cases outside the
// README's list are still found now and then (about one in 20,000 to 50,000 random documents, in
// emphasis and linkify corners): CABSYNC_PROPERTY_SEED=random (with more runs) looks for them.
const SEED =
  process.env.CABSYNC_PROPERTY_SEED === 'random' ? undefined : Number(process.env.CABSYNC_PROPERTY_SEED ?? 21);
const URL_ = 'https://cabforum.org/2024/01/02/a-post/';

/** The body a Markdown document renders to, and what its archived Markdown renders to, by both paths. */
function roundTrip(markdown: string): { page: string; archived: string; fromHtml: string; sameBytes: boolean } {
  const { page, body } = extractParsedPage(postPage(render(`${markdown}\n`)), URL_);
  const extracted = page as ExtractedPost;
  const archived = bodyMarkdown(extracted, body);
  const fromHtml = htmlToMarkdown(extracted.contentHtml, URL_);
  return {
    page: normalizeHtml(extracted.contentHtml, { baseUrl: URL_, asArchived: true }),
    archived: normalizeHtml(render(archived)),
    fromHtml: normalizeHtml(render(fromHtml)),
    sameBytes: archived === fromHtml || (extracted.contentHtml.trim() === '' && archived.trim() === ''),
  };
}

describe('minimal cases the property found', () => {
  for (const markdown of FOUND) {
    it(JSON.stringify(markdown), () => {
      const result = roundTrip(markdown);
      expect(result.archived).toBe(result.page);
      expect(result.sameBytes).toBe(true);
    });
  }
});

// Minimal cases the property found that the README names as not round-tripping: each must be skipped.
const NAMED = [
  { markdown: '# __*foo*_foo *__', pattern: SIDE_BY_SIDE },
  { markdown: '> ~~foo~~~~https://example.com/a foo~~', pattern: /<\/s><s>/ },
];

describe('minimal cases outside Markdown, named in the README', () => {
  for (const { markdown, pattern } of NAMED) {
    it(JSON.stringify(markdown), () => {
      expect(render(markdown)).toMatch(pattern);
      const result = roundTrip(markdown);
      expect(result.archived).not.toBe(result.page);
    });
  }
});

describe('random documents render back', () => {
  it(`${RUNS} documents: the archive renders to the body, and the parsed-tree path writes the HTML path's bytes`, () => {
    fc.assert(
      fc.property(document, (markdown) => {
        // What cannot round-trip (README), by the table in helpers/property-skips.ts.
        fc.pre(skipReason(markdown) === undefined);
        const result = roundTrip(markdown);
        expect(result.archived).toBe(result.page);
        expect(result.sameBytes).toBe(true);
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  }, 300_000);
});
