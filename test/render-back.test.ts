// Render-back: the archived Markdown, rendered as the site's goldmark renders it, gives back the
// body HTML the page had (normalized: test/helpers/render.ts, docs/converter.md).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bodyMarkdown, htmlToMarkdown } from '../src/convert/convert.js';
import { extractParsedPage } from '../src/extract/extract.js';
import { normalizeHtml, render } from './helpers/render.js';

const ROOT = new URL('..', import.meta.url).pathname;
const PAGES = join(ROOT, 'fixtures/pages');
const PUBLIC = join(ROOT, 'fixtures/hugo/public');

/** The body the page had, and the one its archived Markdown renders to, both normalized. */
export function renderBack(html: string, url: string): { page: string; archived: string } | undefined {
  const { page: extracted, body } = extractParsedPage(html, url);
  if (extracted.kind !== 'post') return undefined;
  const markdown = bodyMarkdown(extracted, body);
  return {
    page: normalizeHtml(extracted.contentHtml, { baseUrl: url, asArchived: true }),
    archived: normalizeHtml(render(markdown)),
  };
}

function postFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return postFiles(path);
    return name === 'index.html' && /article:published_time/.test(readFileSync(path, 'utf8')) ? [path] : [];
  });
}

describe('render-back on the fixture pages', () => {
  const pages = readdirSync(PAGES).filter((name) => name.endsWith('.html'));
  for (const name of pages) {
    it(name, () => {
      const html = readFileSync(join(PAGES, name), 'utf8');
      const url = /<!-- saved from url=\(\d+\)(\S+) -->/.exec(html)?.[1] ?? `https://cabforum.org/fixtures/${name}/`;
      const result = renderBack(html, url);
      if (result) expect(result.archived).toBe(result.page);
    });
  }
  it('checks at least the fixture pages that are posts', () => {
    const posts = pages.filter(
      (name) => renderBack(readFileSync(join(PAGES, name), 'utf8'), 'https://cabforum.org/x/') !== undefined,
    );
    expect(posts.length).toBeGreaterThanOrEqual(3);
  });
});

describe('render-back on every post of the Hugo-built fixture site', () => {
  const files = postFiles(PUBLIC).sort();
  it('finds the posts', () => expect(files.length).toBeGreaterThanOrEqual(15));
  for (const file of files) {
    const path = `/${relative(PUBLIC, file).replace(/index\.html$/, '')}`;
    it(path, () => {
      const result = renderBack(readFileSync(file, 'utf8'), `https://cabforum.org${path}`)!;
      expect(result).toBeDefined();
      expect(result.archived).toBe(result.page);
    });
  }
});

describe('the oracle itself', () => {
  it('tells apart bodies that render differently', () => {
    expect(normalizeHtml(render('- a\n- b\n- c'))).toBe(normalizeHtml('<ul><li>a</li><li>b</li><li>c</li></ul>'));
    expect(normalizeHtml(render('- a\n\n* b'))).not.toBe(normalizeHtml(render('- a\n- b')));
    expect(normalizeHtml(render(htmlToMarkdown('<p>a</p>', 'https://x/')))).toBe('<p>a</p>');
  });
});
