import { createRequire } from 'node:module';
import * as cheerio from 'cheerio';
import TurndownService from 'turndown';
import { orderFrontMatter, type FrontMatter, type Post } from '../archive/post.js';
import { limitDepth, MAX_DEPTH } from '../extract/dom.js';
import type { ExtractedPost } from '../extract/extract.js';
import { sitePlugin } from './rules.js';

// The Joplin fork of the GFM plugin (the original is abandoned and breaks `|` in cells); CommonJS only.
const { gfm } = createRequire(import.meta.url)('@joplin/turndown-plugin-gfm') as { gfm: TurndownService.Plugin };

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
  // A fresh service per call: the base URL lives in the rules' closure, not in shared state.
  const service = new TurndownService(TURNDOWN_OPTIONS).use([gfm, sitePlugin({ baseUrl })]);
  return normalizeMarkdown(service.turndown(limitHtmlDepth(html)));
}

/**
 * Builds the archive `Post` of an extracted post page: front matter in archive order (only fields
 * with values, `type: post`) and the body as `\n` + Markdown.
 */
export function toPost(page: ExtractedPost, markdown: string = htmlToMarkdown(page.contentHtml, page.url)): Post {
  const { meta } = page;
  const frontMatter: FrontMatter = orderFrontMatter({
    aliases: nonEmpty(meta.aliases),
    author: meta.author,
    date: meta.date,
    description: meta.description,
    tags: nonEmpty(meta.tags),
    title: meta.title,
    type: 'post',
  });
  return { frontMatter, body: `\n${markdown}` };
}

const nonEmpty = (list: string[] | undefined): string[] | undefined => (list && list.length > 0 ? [...list] : undefined);

const FENCE = /^\s*(`{3,}|~{3,})/;

/**
 * One blank line between blocks, no trailing whitespace, no leading or trailing blank lines, a final
 * newline. Lines inside fenced code are kept as they are.
 */
export function normalizeMarkdown(markdown: string): string {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const marker = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      const closes = marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker;
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

const TAG = /<(\/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(\/?)>/g;
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/**
 * Turndown recurses once per nesting level, so a pathologically deep document would overflow the
 * stack. A cheap scan estimates the depth; only a deep document is parsed and flattened.
 */
export function limitHtmlDepth(html: string, maxDepth = MAX_DEPTH): string {
  let depth = 0;
  let deepest = 0;
  for (const [, closing, name, selfClosing] of html.matchAll(TAG)) {
    if (VOID.has(name!.toLowerCase()) || selfClosing) continue;
    depth = closing ? Math.max(0, depth - 1) : depth + 1;
    if (depth > deepest) deepest = depth;
  }
  if (deepest < maxDepth) return html;
  const $ = cheerio.load(html, null, false);
  limitDepth($, $.root()[0]!, maxDepth);
  return $.html();
}
