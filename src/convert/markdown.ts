// Post bodies to the archive's Markdown: turndown, with the site's rules, over the parsed body.
import { createRequire } from 'node:module';
import type { ParentNode } from 'domhandler';
import type TurndownService from 'turndown';
import { limitDepth, MAX_DEPTH, tagDepth } from '../extract/dom.js';
import { innerHtml, loadFragment, loadPage } from '../extract/html.js';
import type { Element } from 'domhandler';
import type { ExtractedPost } from '../extract/extract.js';
import type { DomNode } from './dom.js';
import { FENCE } from './lists.js';
import { domView, reparsedView } from './view.js';
import { blankReplacement, sitePlugin } from './rules.js';

const require = createRequire(import.meta.url);
// Turndown's build without an HTML parser of its own: it is only ever handed a DOM (./dom.ts), so
// domino, the parser its Node build loads at import (40 ms, 9 MB a thread), stays out.
const Turndown = require('turndown/lib/turndown.browser.cjs.js') as typeof TurndownService;
// The Joplin fork of the GFM plugin (the original is abandoned and breaks `|` in cells); CommonJS only.
const { gfm } = require('@joplin/turndown-plugin-gfm') as { gfm: TurndownService.Plugin };

/** The archive's Markdown style, as turndown options. */
export const TURNDOWN_OPTIONS: TurndownService.Options = {
  headingStyle: 'atx',
  hr: '---',
  bulletListMarker: '-',
  codeBlockStyle: 'fenced',
  fence: '```',
  emDelimiter: '_',
  strongDelimiter: '**',
  linkStyle: 'inlined',
  // A code span's own spaces stay in it: turndown would otherwise move them out of the span.
  preformattedCode: true,
};

/**
 * Converts a post body (HTML) to the archive's Markdown: no front matter, whitespace normalized,
 * ending with exactly one `\n`. Relative links and images resolve against `baseUrl`.
 * Deterministic: the same HTML always gives the same bytes.
 *
 * @example
 * htmlToMarkdown('<h2 id="minutes">Minutes</h2><p>See <a href="/uploads/x.pdf">x</a></p>', 'https://cabforum.org/')
 * // '## Minutes\n\nSee [x](https://cabforum.org/uploads/x.pdf)\n'
 */
export function htmlToMarkdown(html: string, baseUrl: string): string {
  return viewToMarkdown(domView(parseBody(limitHtmlDepth(html))), baseUrl);
}

/**
 * {@link htmlToMarkdown} for a body the extractor parsed with its page (`root`'s children): no
 * second parse. The same bytes as converting the body's HTML.
 */
function treeToMarkdown(root: ParentNode, baseUrl: string): string {
  const view = reparsedView(root);
  return view ? viewToMarkdown(view, baseUrl) : htmlToMarkdown(innerHtml(root), baseUrl);
}

/**
 * The Markdown of an extracted post's body: from the body as the extractor parsed it when given
 * (`extractParsedPage`), else from its HTML. The same bytes either way.
 */
export function bodyMarkdown(page: ExtractedPost, body?: Element): string {
  return body ? treeToMarkdown(body, page.url) : htmlToMarkdown(page.contentHtml, page.url);
}

function viewToMarkdown(view: DomNode, baseUrl: string): string {
  // A fresh service per call: the base URL lives in the rules' closure, not in shared state.
  const service = new Turndown({ ...TURNDOWN_OPTIONS, blankReplacement }).use([gfm, sitePlugin({ baseUrl })]);
  // Turndown clones the node it is given before changing it; the view is already this
  // conversion's own copy of the body, so it is that clone.
  return normalizeMarkdown(service.turndown({ nodeType: 1, cloneNode: () => view }));
}

/** A body's HTML parsed as turndown parsed it: inside one element of a document's body, no scripting (`<noscript>` holds markup). */
function parseBody(html: string): ParentNode {
  const $ = loadPage(`<x-turndown id="turndown-root">${html}</x-turndown>`, { scripting: false });
  return $('x-turndown')[0]!;
}

/**
 * One blank line between blocks, no trailing whitespace, no leading or trailing blank lines, a final
 * newline. Lines inside fenced code are kept as they are.
 */
function normalizeMarkdown(markdown: string): string {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const match = FENCE.exec(line);
    const marker = match?.[1];
    if (fence !== undefined) {
      const closes =
        marker !== undefined &&
        marker[0] === fence[0] &&
        marker.length >= fence.length &&
        line.slice(match![0].length).trim() === '';
      lines.push(closes ? line.trimEnd() : line);
      if (closes) fence = undefined;
      continue;
    }
    if (marker) fence = marker;
    const trimmed = line.replace(/[ \t]+$/, '');
    if (trimmed === '' && (lines.length === 0 || lines[lines.length - 1] === '')) continue;
    lines.push(trimmed);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

/**
 * Turndown recurses once per nesting level, so a pathologically deep document would overflow the
 * stack. A cheap scan estimates the depth; only a deep document is parsed and flattened.
 */
function limitHtmlDepth(html: string, maxDepth = MAX_DEPTH): string {
  if (tagDepth(html, VOID) < maxDepth) return html;
  const $ = loadFragment(html);
  limitDepth($.root()[0]!, maxDepth);
  return innerHtml($.root()[0]!);
}
