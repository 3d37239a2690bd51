// The converter's oracle: archived Markdown rendered as the site's goldmark renders it (markdown-it,
// configured as fixtures/hugo/hugo.toml configures goldmark), and HTML normalized so that what the
// renderers or the archive change on purpose does not count (docs/converter.md, "Render-back").
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import MarkdownIt from 'markdown-it';

type Parser = InstanceType<typeof MarkdownIt>;
type StateInline = Parameters<Parameters<Parser['inline']['ruler']['at']>[1]>[0];
type StateBlock = Parameters<Parameters<Parser['block']['ruler']['at']>[1]>[0];
type StateCore = Parameters<Parameters<Parser['core']['ruler']['at']>[1]>[0];
import { REMOVED_ELEMENTS } from '../../src/convert/rules.js';

interface FootnoteEnv {
  footnotes?: { defs: Map<string, string>; order: string[] };
}

/** goldmark as the site configures it: unsafe HTML, linkify (scheme, `www.` and e-mail only), typographer, GFM. */
export const md = new MarkdownIt({ html: true, linkify: true, typographer: true }).use(footnotes).use(taskLists);
// goldmark's linkify needs a scheme, `www.` or an `@`: no bare domains (linkify-it's fuzzy links).
md.linkify.set({ fuzzyLink: false, fuzzyIP: false, fuzzyEmail: true });
// …and no protocol-relative `//host` links.
md.linkify.add('//', null);
md.linkify.add('www.', {
  validate: (text: string, pos: number) => wwwTail(text, pos),
  normalize: (match) => void (match.url = `https://${match.url}`),
});
guardLinkify(md);
// markdown-it stops at `(c)` etc.; goldmark's typographer knows only quotes, dashes, ellipsis, « ».
md.disable('replacements');

function wwwTail(text: string, pos: number): number {
  const tail = /^[\w-]+(?:\.[\w-]+)+(?:[/?#][^\s<]*)?/.exec(text.slice(pos));
  if (!tail) return 0;
  let link = tail[0].replace(/[?!.,:*_~]+$/, '');
  // goldmark leaves out a closing parenthesis that has no opening one in the link.
  while (link.endsWith(')') && link.split('(').length < link.split(')').length)
    link = link.slice(0, -1).replace(/[?!.,:*_~]+$/, '');
  return link.length;
}

// goldmark links a URL only at a line start or after white space or `*`, `_`, `~`, `(`; an e-mail
// address only with a domain of letters, digits and hyphens.
const LINKIFY_AFTER = /^$|[\s*_~(]/;
function guardLinkify(parser: Parser): void {
  const rules = (
    parser.inline.ruler as unknown as {
      __rules__: Array<{ name: string; fn: (state: StateInline, silent: boolean) => boolean }>;
    }
  ).__rules__;
  const inline = rules.find((rule) => rule.name === 'linkify')!.fn;
  parser.inline.ruler.at('linkify', (state: StateInline, silent: boolean) => {
    let start = state.pos;
    while (start > 0 && /[a-z0-9+.-]/i.test(state.src.charAt(start - 1))) start--;
    return LINKIFY_AFTER.test(state.src.charAt(start - 1)) && inline(state, silent);
  });
  const match = parser.linkify.match.bind(parser.linkify);
  parser.linkify.match = (text: string) => {
    const links = match(text)
      ?.map(emailStart)
      .filter(
        (link) =>
          LINKIFY_AFTER.test(text.charAt(link.index - 1)) &&
          (link.schema !== 'mailto:' ||
            /^[^@\s!-/:-@[-`{-~][^@\s]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9_-]+)+$/.test(link.text)),
      );
    return (links ?? []).map(trimLink);
  };
  const matchAtStart = parser.linkify.matchAtStart.bind(parser.linkify);
  parser.linkify.matchAtStart = (text: string) => {
    const link = matchAtStart(text);
    return link ? trimLink(link) : link;
  };
}

// goldmark starts an e-mail address after the `*`, `_`, `~` or `(` before it (emphasis delimiters end
// a run of text; linkify steps over the others), and an address starting with other punctuation is no link.
function emailStart<T extends { index: number; schema: string; text: string; url: string }>(link: T): T {
  const lead = link.schema === 'mailto:' ? /^[*_~(]*/.exec(link.text)![0].length : 0;
  if (lead === 0) return link;
  const text = link.text.slice(lead);
  return { ...link, index: link.index + lead, text, url: `mailto:${text}` };
}

// goldmark ends a link before trailing `_`, `*`, `~` (and punctuation, as linkify-it does)…
function trimLink<T extends { lastIndex: number; text: string; url: string }>(link: T): T {
  // …and before a backslash.
  const slash = link.text.indexOf('\\');
  const kept = slash < 0 ? link.text : link.text.slice(0, slash);
  const trailing = link.text.length - kept.length + (/[_*~?!.,:]+$/.exec(kept)?.[0].length ?? 0);
  if (trailing === 0) return link;
  return {
    ...link,
    lastIndex: link.lastIndex - trailing,
    text: link.text.slice(0, -trailing),
    url: link.url.slice(0, -trailing),
  };
}

/** Renders archived Markdown (a post body) to HTML. */
export function render(markdown: string): string {
  return md.render(markdown, {});
}

// goldmark's footnote extension: `[^x]` references numbered in order, definitions in a closing list.
function footnotes(parser: Parser): void {
  parser.block.ruler.before(
    'reference',
    'footnote_def',
    (state: StateBlock, startLine: number, endLine: number, silent: boolean) => {
      const start = state.bMarks[startLine]! + state.tShift[startLine]!;
      const first = state.src.slice(start, state.eMarks[startLine]);
      const label = /^\[\^([^\]\s]+)\]:/.exec(first);
      if (!label || state.sCount[startLine]! - state.blkIndent >= 4) return false;
      if (silent) return true;
      const lines = [first.slice(label[0].length).trim()];
      let line = startLine + 1;
      for (; line < endLine; line++) {
        const text = state.src.slice(state.bMarks[line], state.eMarks[line]);
        if (
          text.trim() === '' &&
          line + 1 < endLine &&
          /^ {4}/.test(state.src.slice(state.bMarks[line + 1], state.eMarks[line + 1]))
        )
          lines.push('');
        else if (/^ {4}/.test(text)) lines.push(text.slice(4));
        else if (text.trim() !== '' && lines.at(-1) !== '' && !/^\[\^/.test(text.trim())) lines.push(text);
        else break;
      }
      const env = state.env as FootnoteEnv;
      env.footnotes ??= { defs: new Map(), order: [] };
      if (!env.footnotes.defs.has(label[1]!)) env.footnotes.defs.set(label[1]!, lines.join('\n'));
      state.line = line;
      return true;
    },
    { alt: ['paragraph', 'reference'] },
  );

  parser.inline.ruler.after('link', 'footnote_ref', (state: StateInline, silent: boolean) => {
    const ref = /^\[\^([^\]\s]+)\]/.exec(state.src.slice(state.pos));
    const notes = (state.env as FootnoteEnv).footnotes;
    if (!ref || !notes?.defs.has(ref[1]!)) return false;
    if (!silent) {
      if (!notes.order.includes(ref[1]!)) notes.order.push(ref[1]!);
      const n = notes.order.indexOf(ref[1]!) + 1;
      state.push('html_inline', '', 0).content =
        `<sup id="fnref:${n}"><a href="#fn:${n}" class="footnote-ref" role="doc-noteref">${n}</a></sup>`;
    }
    state.pos += ref[0].length;
    return true;
  });

  parser.core.ruler.push('footnote_list', (state: StateCore) => {
    const notes = (state.env as FootnoteEnv).footnotes;
    if (!notes || notes.order.length === 0) return;
    const items = notes.order.map((label, i) => {
      const n = i + 1;
      const back = `&#160;<a href="#fnref:${n}" class="footnote-backref" role="doc-backlink">&#x21a9;&#xfe0e;</a>`;
      const body = parser.render(notes.defs.get(label)!, {});
      const at = body.lastIndexOf('</p>');
      return `<li id="fn:${n}">\n${at < 0 ? body + back : body.slice(0, at) + back + body.slice(at)}</li>\n`;
    });
    const token = new state.Token('html_block', '', 0);
    token.content = `<div class="footnotes" role="doc-endnotes">\n<hr>\n<ol>\n${items.join('')}</ol>\n</div>\n`;
    state.tokens.push(token);
  });
}

// goldmark's task list items: `[ ]` / `[x]` opening a list item's text becomes a disabled checkbox.
function taskLists(parser: Parser): void {
  parser.core.ruler.after('inline', 'task_lists', (state: StateCore) => {
    const tokens = state.tokens;
    for (let i = 2; i < tokens.length; i++) {
      const inline = tokens[i]!;
      if (
        inline.type !== 'inline' ||
        tokens[i - 1]!.type !== 'paragraph_open' ||
        tokens[i - 2]!.type !== 'list_item_open'
      )
        continue;
      const first = inline.children?.[0];
      const box = first?.type === 'text' ? /^\[([ xX])\][ \t]/.exec(first.content) : null;
      if (!first || !box) continue;
      first.content = first.content.slice(3);
      const input = new state.Token('html_inline', '', 0);
      input.content = `<input ${box[1] === ' ' ? '' : 'checked="" '}disabled="" type="checkbox">`;
      inline.children!.unshift(input);
    }
  });
}

const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
  'caption',
  'colgroup',
  'col',
]);
const SAME_AS: Record<string, string> = { s: 'del', strike: 'del', b: 'strong', i: 'em' };
// What Markdown (with goldmark's extensions) writes; the archive keeps the content of anything else.
const MARKDOWN_ELEMENTS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'pre',
  'code',
  'em',
  'strong',
  'del',
  'a',
  'img',
  'br',
  'hr',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
  'colgroup',
  'col',
  'sup',
  'input',
  'dl',
  'dt',
  'dd',
]);
const TYPOGRAPHY: Record<string, string> = {
  '\u201c': '"',
  '\u201d': '"',
  '\u2018': "'",
  '\u2019': "'",
  '\u2013': '--',
  '\u2014': '---',
  '\u2026': '...',
  '\u00ab': '<<',
  '\u00bb': '>>',
};

export interface NormalizeOptions {
  /** Page URL: relative `href`/`src` resolve against it (the archive writes them absolute). */
  baseUrl?: string;
  /** Also drop what the archive drops on purpose (REMOVED_ELEMENTS, heading anchors, comments). */
  asArchived?: boolean;
}

/**
 * A canonical form of an HTML body: attributes sorted, heading ids dropped (autoHeadingID), white
 * space collapsed outside `pre` and trimmed at block edges, typographer characters as their ASCII
 * source, URLs absolute. Two bodies that render the same read the same here.
 */
export function normalizeHtml(html: string, options: NormalizeOptions = {}): string {
  const $ = cheerio.load(`<body>${html}</body>`);
  const body = $('body')[0]!;
  let out = serializeChildren(body, options, false);
  // A space at the edge of a link or emphasis renders as one beside it.
  for (let before = ''; before !== out;) {
    before = out;
    out = out.replace(/ ?(<(?:a|em|strong|del)\b[^>]*>) /g, ' $1').replace(/ (<\/(?:a|em|strong|del)>) ?/g, '$1 ');
    // …and one before a line break shows nothing.
    out = out.replace(/ ((?:<(?:a|em|strong|del)\b[^>]*>)*<br>)/g, '$1');
  }
  // Unwrapped elements leave text nodes side by side: white space runs across them collapse too (not in pre).
  out = out
    .split(/(<pre\b[\s\S]*?<\/pre>)/)
    .map((part) => (part.startsWith('<pre') ? part : part.replace(/ {2,}/g, ' ')))
    .join('');
  return out.replace(BLOCK_EDGE, '').trim();
}

// White space beside a block tag or a line break shows nothing, after an inline tag too (`</a> </h1>`).
const BLOCK_TAG = `<\\/?(?:${[...BLOCKS, 'br'].join('|')})\\b[^>]*>`;
const BLOCK_EDGE = new RegExp(`\\s+(?=${BLOCK_TAG})|(?<=${BLOCK_TAG})\\s+`, 'g');

function serializeChildren(node: Element, options: NormalizeOptions, pre: boolean): string {
  return node.children.map((child) => serializeNode(child, options, pre)).join('');
}

function serializeNode(node: AnyNode, options: NormalizeOptions, pre: boolean): string {
  if (node.type === 'text') {
    const text = pre ? node.data : node.data.replace(/\s+/g, ' ');
    return escapeHtml(text.replace(/[\u201c\u201d\u2018\u2019\u2013\u2014\u2026\u00ab\u00bb]/g, (c) => TYPOGRAPHY[c]!));
  }
  if (node.type === 'comment') return options.asArchived ? '' : `<!--${node.data}-->`;
  if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') return '';
  const element = node;
  // markdown-it writes strikethrough as <s>, goldmark as <del>; raw <b> and <i> read as the archive writes them.
  const name = SAME_AS[element.name] ?? element.name;
  if (options.asArchived && (REMOVED_ELEMENTS as readonly string[]).includes(name) && !isTaskBox(element)) return '';
  if (options.asArchived && isHeadingAnchor(element)) return '';
  // Layout wrappers and other raw HTML carry no Markdown meaning: the archive keeps their content (goldmark's footnote box stays).
  if (options.asArchived && !MARKDOWN_ELEMENTS.has(name) && !/\bfootnotes\b/.test(element.attribs.class ?? ''))
    return serializeChildren(element, options, pre);
  const attributes = Object.entries(element.attribs)
    .filter(
      ([key]) =>
        !(key === 'id' && /^h[1-6]$/.test(name)) &&
        key !== 'tabindex' &&
        key !== 'data-lang' &&
        (!options.asArchived || keeps(element, key)),
    )
    .map(
      ([key, value]) =>
        [
          key,
          (key === 'href' || key === 'src') && options.baseUrl
            ? absolute(value, options.baseUrl)
            : key === 'alt'
              ? value.replace(/\s+/g, ' ').trim()
              : value,
        ] as const,
    )
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => ` ${key}="${escapeHtml(value)}"`)
    .join('');
  const open = `<${name}${attributes}>`;
  if (['br', 'hr', 'img', 'input', 'col', 'wbr'].includes(name)) return open;
  return `${open}${serializeChildren(element, options, pre || name === 'pre')}</${name}>`;
}

const isTaskBox = (element: Element): boolean => element.name === 'input' && element.attribs.type === 'checkbox';

// What Markdown can say of an element; the rest (rel, target, class, style…) the archive drops.
const KEPT = new Set([
  'href',
  'src',
  'alt',
  'title',
  'start',
  'colspan',
  'rowspan',
  'align',
  'scope',
  'checked',
  'disabled',
  'type',
]);
function keeps(element: Element, key: string): boolean {
  if (KEPT.has(key)) return true;
  if (key === 'style') return /^t[hd]$/.test(element.name);
  if (key === 'class' && element.name === 'code' && /^language-/.test(element.attribs.class ?? '')) return true;
  return (
    ['class', 'role', 'id'].includes(key) &&
    /^(?:fn|fnref):|footnote/.test(`${element.attribs.id ?? ''} ${element.attribs.class ?? ''}`.trim())
  );
}

function isHeadingAnchor(element: Element): boolean {
  const parent = element.parent as Element | null;
  return (
    element.name === 'a' &&
    /^h[1-6]$/.test(parent?.name ?? '') &&
    (element.attribs.href ?? '').startsWith('#') &&
    /^[#¶§🔗]?$/u.test(textOf(element).trim())
  );
}

const textOf = (node: AnyNode): string =>
  node.type === 'text' ? node.data : 'children' in node ? (node.children as AnyNode[]).map(textOf).join('') : '';

function absolute(url: string, base: string): string {
  const trimmed = url.trim();
  if (trimmed === '' || trimmed.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return trimmed;
  }
}

const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\u00a0/g, '&nbsp;');
