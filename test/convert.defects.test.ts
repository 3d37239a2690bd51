// The defects of issue 21, each as the page body it was found on: the archived Markdown, rendered
// as the site renders it, must give that body back (test/helpers/render.ts). Each failed before its fix.
import { describe, expect, it } from 'vitest';
import { bodyMarkdown, htmlToMarkdown } from '../src/convert/convert.js';
import { extractParsedPage, type ExtractedPost } from '../src/extract/extract.js';
import { FENCE } from '../src/convert/lists.js';
import { normalizeHtml, render } from './helpers/render.js';
import { postPage } from './helpers/post-page.js';

const URL_ = 'https://cabforum.org/2024/01/02/a-post/';

/** The body through both conversion paths: the extracted page's parsed tree and its HTML. */
function bothPaths(body: string): string[] {
  const parsed = extractParsedPage(postPage(body), URL_);
  const page = parsed.page as ExtractedPost;
  expect(page.kind).toBe('post');
  expect(parsed.body).toBeDefined();
  return [bodyMarkdown(page, parsed.body), htmlToMarkdown(page.contentHtml, URL_)];
}

function rendersBack(body: string): void {
  const want = normalizeHtml(body, { baseUrl: URL_, asArchived: true });
  for (const markdown of bothPaths(body)) expect(normalizeHtml(render(markdown)), markdown).toBe(want);
}

describe('issue 21: bodies that did not render back', () => {
  it('two lists in a row stay two lists', () => {
    rendersBack('<ul><li>a</li></ul><ul><li>b</li></ul>');
    rendersBack('<ol><li>a</li></ol><ol><li>b</li></ol><ol><li>c</li></ol>');
    rendersBack('<ul><li>a</li></ul>\n<!-- x -->\n<ul><li>b</li></ul><ul><li>c</li></ul>');
  });
  it('an empty list item stays', () => {
    rendersBack('<ul><li>a</li><li></li><li>c</li></ul>');
    rendersBack('<ol><li></li><li>b</li></ol>');
  });
  it('a lone rule stays, even as the whole body', () => {
    rendersBack('<p>a</p><hr><p>b</p>');
    rendersBack('<hr>');
  });
  it('a rule inside a list item stays in it', () => {
    rendersBack('<ul><li>a<hr></li><li>b</li></ul>');
    rendersBack('<ul><li><hr></li><li>b</li></ul>');
  });
  it('a heading ending in # keeps it', () => {
    rendersBack('<h3>foo ###</h3>');
    rendersBack('<h2>#</h2><h4>C #</h4>');
    expect(bothPaths('<h3>C#</h3>')[0]).toBe('### C#\n'); // no closing sequence without a space: no escape
  });
  it('a ! before a link is not an image', () => {
    rendersBack('<p>!<a href="/url">foo</a></p>');
    rendersBack('<p>Wow!<a href="https://x.example/">foo</a> and ![not] this</p>');
  });
  it('text that only looks like a link stays text, escaped once', () => {
    rendersBack('<p>see https://example.com/a and www.example.com or mail a.b@example.org</p>');
    rendersBack('<p>&lt;https://x y&gt; and (https://x.example/y)</p>');
    rendersBack('<p><a href="https://x.example/">https://x.example/ www.example.com a@b.example</a></p>');
    expect(bothPaths('<p>a@b, http:/x and wwwx.example</p>')[0]).toBe('a@b, http:/x and wwwx.example\n');
  });
  it('emphasis inside emphasis is not strong', () => {
    rendersBack('<p><em><em>x</em></em> and <em>a <em>b</em></em></p>');
  });
  it('a code block ending in a blank line keeps it, in a list item too', () => {
    rendersBack('<ul><li><pre><code>code\n\n</code></pre></li><li>b</li></ul>');
    rendersBack('<ul><li>x<pre><code>a\n\n\n</code></pre></li></ul>');
    rendersBack('<ul><li><p>x</p><pre><code>a\n\n</code></pre></li><li><p>b</p></li></ul>');
  });
  it('a link title spanning lines keeps its line break', () => {
    rendersBack('<p><a href="/u" title="t\nt">a</a></p>');
  });
  it('a table of one cell stays a table', () => {
    rendersBack('<table><thead><tr><th>a</th></tr></thead></table>');
    rendersBack('<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>a</td></tr></tbody></table>');
  });
  it('table cells inside <svg> do not throw, on either path', () => {
    rendersBack('<p>x</p><svg><td>a</td></svg>');
    rendersBack('<svg><tr><td>a</td></tr></svg><p>y</p>');
  });
});

describe('found on the way', () => {
  it('a line of many quote marks or list markers is no fence, found without backtracking', () => {
    // An ambiguous fence pattern took 2^n steps on `> > > …` (the drill's 10,000 nested quotes hung).
    expect(FENCE.test(`${'> '.repeat(40)}x`)).toBe(false);
    expect(FENCE.test(`${'-  '.repeat(40)}x`)).toBe(false);
    expect(FENCE.exec('> - ```js')?.[1]).toBe('```');
    expect(htmlToMarkdown(`${'<blockquote>'.repeat(60)}<p>t</p>${'</blockquote>'.repeat(60)}`, URL_)).toBe(
      `${'> '.repeat(60)}t\n`,
    );
  });

  it('a table kept as HTML holds its characters plain, not the marks that escape them in Markdown', () => {
    const markdown = htmlToMarkdown(
      '<table><tr><td colspan="2">a\\<br>b!<a href="/x">l</a> <em>e</em>@www.example.com</td></tr></table>',
      URL_,
    );
    expect(markdown).not.toMatch(/x-cabsync/i);
    expect(markdown).toContain('a\\<br>b!<a href="https://cabforum.org/x">l</a> <em>e</em>@www.example.com');
  });
});
