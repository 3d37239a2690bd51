import type TurndownService from 'turndown';
import { absoluteUrl, escapeText, formatDestination, formatTitle, isUnsafeUrl, unescapeLineStart, unescapeLinkify } from './escape.js';
import type { DomNode } from './dom.js';
import { listMarker } from './lists.js';
import { BANG, REMOVED_ELEMENTS } from './prepare.js';
import { canBePipeTable, cleanTableHtml, delimiterRow, emptyHeading, firstCell, inTable, isHeadingRow } from './tables.js';

export { REMOVED_ELEMENTS } from './prepare.js';

/** Per-conversion facts the rules need. */
export interface RuleContext {
  /** Page URL that relative links and images resolve against. */
  baseUrl: string;
}

/** One custom rule: which elements, what Markdown, and why it differs from turndown's default. */
export interface SiteRule {
  key: string;
  filter: (node: DomNode) => boolean;
  replacement: (content: string, node: DomNode, context: RuleContext) => string;
  why: string;
}

const is = (...names: string[]) => (node: DomNode): boolean => names.includes(node.nodeName);
const hasClass = (node: DomNode | null | undefined, name: string): boolean => (node?.getAttribute('class') ?? '').split(/\s+/).includes(name);
const footnoteLabel = (href: string | null, prefix: string): string => (href ?? '').replace(prefix, '');
const indent = (text: string, width: number): string => text.replace(/\n(?=[^\n])/g, `\n${' '.repeat(width)}`);

/**
 * The site's conversion rules, as data. Turndown tries the most recently added rule first, so these
 * win over its defaults and the GFM plugin's, and later entries here win over earlier ones.
 */
export const SITE_RULES: readonly SiteRule[] = [
  {
    key: 'heading',
    filter: is('H1', 'H2', 'H3', 'H4', 'H5', 'H6'),
    replacement: (content, node) => {
      const text = unescapeLineStart(content.replace(/\s*\\?\n\s*/g, ' ').trim()).replace(/(^|[ \t])(#+)$/, '$1\\$2');
      return text ? `\n\n${'#'.repeat(Number(node.nodeName.charAt(1)))} ${text}\n\n` : '';
    },
    why: 'ATX on one line (a final run of `#` escaped: it would close the heading); a heading with nothing left (anchor removed) disappears',
  },
  {
    key: 'listItem',
    filter: isListItem,
    replacement: (content, node) => listItem(content, node),
    why: '`- ` and `1. ` markers (turndown pads to four columns), `* ` and `1) ` for a list right after one of its kind; nesting indented by the marker width',
  },
  {
    key: 'emphasis',
    filter: is('EM', 'I'),
    replacement: (content, node) => {
      if (!content.trim()) return content;
      // `_` does not open or close emphasis inside a word (foo_bar_baz); `*` does.
      const before = node.previousSibling?.textContent ?? '';
      const after = node.nextSibling?.textContent ?? '';
      const inWord = /[\p{L}\p{N}]$/u.test(before) || /^[\p{L}\p{N}]/u.test(after);
      // `__x__` is strong: emphasis around emphasis takes the other delimiter.
      const delimiter = inWord || /^_|_$/.test(content) ? '*' : '_';
      return `${delimiter}${unescapeLineStart(content)}${delimiter}`;
    },
    why: 'one emphasis style (`_`), and `*` where `_` would not work inside a word or around `_` emphasis',
  },
  {
    key: 'strong',
    filter: is('STRONG', 'B'),
    replacement: (content) => (content.trim() ? `**${unescapeLineStart(content)}**` : ''),
    why: 'after `**` a line has begun: `**1. Present:**` needs no escaped dot',
  },
  {
    key: 'lineBreak',
    filter: is('BR'),
    replacement: (_content, node) => (hasTextAfter(node) ? '\\\n' : ''),
    why: 'a backslash hard break leaves no trailing spaces; breaks with no text after them are dropped',
  },
  {
    key: 'blockquote',
    filter: is('BLOCKQUOTE'),
    replacement: (content) => {
      const text = content.replace(/^\n+|\n+$/g, '');
      return text ? `\n\n${text.replace(/^/gm, '> ').replace(/^> $/gm, '>')}\n\n` : '';
    },
    why: 'no trailing space on the blank lines of a quote',
  },
  {
    key: 'codeBlock',
    filter: is('PRE'),
    replacement: (_content, node) => {
      const code = (node.textContent ?? '').replace(/\n$/, '');
      const language = /(?:^|\s)language-(\S+)/.exec(node.querySelector('code')?.getAttribute('class') ?? '')?.[1] ?? '';
      const longest = Math.max(2, ...(code.match(/`{3,}/g) ?? []).map((run) => run.length));
      const fence = '`'.repeat(longest + 1);
      return `\n\n${fence}${language}\n${code}\n${fence}\n\n`;
    },
    why: 'fenced, with or without an inner <code> (Hugo highlighting adds spans), fence longer than any run inside',
  },
  {
    key: 'horizontalRule',
    filter: is('HR'),
    replacement: (_content, node) => (insideListItem(node) ? `\n***${hasTextAfter(node) ? '\n' : ''}` : '\n\n---\n\n'),
    why: 'in a list item `***` on its own line, no blank line (a tight item stays tight): `- ---` is a rule outside the list, `---` under text a heading underline',
  },
  {
    key: 'bang',
    filter: is(BANG),
    replacement: () => '\\!',
    why: 'a literal `!` before a link would make it an image (prepare.ts marks it)',
  },
  {
    key: 'link',
    filter: (node) => node.nodeName === 'A' && node.getAttribute('href') !== null,
    replacement: (content, node, context) => formatLink(content, node, context),
    why: 'absolute URLs; a link whose text is its own URL is written bare, as the site sources do',
  },
  {
    key: 'image',
    filter: is('IMG'),
    replacement: (_content, node, context) => {
      const alt = unescapeLinkify(escapeText((node.getAttribute('alt') ?? '').replace(/\s+/g, ' ').trim())).replace(/(?<!\\)[[\]]/g, '\\$&');
      const src = node.getAttribute('src') ?? '';
      if (!src.trim() || isUnsafeUrl(src)) return alt;
      return `![${alt}](${formatDestination(absoluteUrl(src, context.baseUrl))}${formatTitle(node.getAttribute('title'))})`;
    },
    why: 'absolute src; an unsafe or missing src leaves the alt text',
  },
  {
    key: 'headingAnchor',
    filter: (node) =>
      node.nodeName === 'A' && /^H[1-6]$/.test(node.parentNode?.nodeName ?? '') && (node.getAttribute('href') ?? '').startsWith('#') && /^[#¶§🔗]?$/u.test((node.textContent ?? '').trim()),
    replacement: () => '',
    why: 'goldmark heading anchors ("#") are a rendering aid, not heading text',
  },
  {
    key: 'footnoteReference',
    filter: (node) => node.nodeName === 'SUP' && hasClass(node.querySelector('a'), 'footnote-ref'),
    replacement: (_content, node) => `[^${footnoteLabel(node.querySelector('a')?.getAttribute('href') ?? null, '#fn:')}]`,
    why: 'goldmark footnote reference back to `[^n]`',
  },
  {
    key: 'footnoteBackReference',
    filter: (node) => node.nodeName === 'A' && (hasClass(node, 'footnote-backref') || node.getAttribute('role') === 'doc-backlink'),
    replacement: () => '',
    why: 'the ↩ link is rendering, not text',
  },
  {
    key: 'footnoteSeparator',
    filter: (node) => node.nodeName === 'HR' && hasClass(node.parentNode, 'footnotes'),
    replacement: () => '',
    why: 'goldmark draws a rule above the footnotes',
  },
  {
    key: 'footnoteDefinition',
    filter: (node) => node.nodeName === 'LI' && (node.getAttribute('id') ?? '').startsWith('fn:'),
    replacement: (content, node) => {
      const text = content.replace(/^\n+/, '').replace(/[\s\u00a0]+$/, '');
      return `\n\n[^${footnoteLabel(node.getAttribute('id'), 'fn:')}]: ${indent(text, 4)}\n\n`;
    },
    why: 'goldmark footnote list back to `[^n]: text` definitions',
  },
  {
    key: 'pipeTable',
    filter: (node) => {
      return node.nodeName === 'TABLE' && firstCell(node) !== undefined;
    },
    replacement: (content, node) => {
      const rows = content.replace(/\n+/g, '\n').trim();
      const caption = node.querySelector('caption')?.textContent?.trim();
      const heading = /^\|[^\n]*\n\| :?---/.test(rows) ? '' : `${emptyHeading(node)}\n`;
      return `\n\n${caption ? `${caption}\n\n` : ''}${heading}${rows}\n\n`;
    },
    why: 'the GFM plugin\'s table rule, in one pass over the rows',
  },
  {
    key: 'tableRow',
    filter: (node) => node.nodeName.toUpperCase() === 'TR',
    replacement: (content, node) => (inTable(node) ? `\n${content}${isHeadingRow(node) ? `\n${delimiterRow(node)}` : ''}` : content),
    why: 'the GFM plugin\'s row rule, without rescanning every row for every column; a row outside a table (SVG, MathML) is its text',
  },
  {
    key: 'htmlTable',
    filter: (node) => node.nodeName === 'TABLE' && !canBePipeTable(node),
    replacement: (_content, node, context) => `\n\n${cleanTableHtml(node, context.baseUrl, REMOVED_ELEMENTS)}\n\n`,
    why: 'a table with block content or spans cannot be a pipe table: kept as clean HTML rather than mangled',
  },
  {
    key: 'tableCell',
    filter: (node) => ['TH', 'TD'].includes(node.nodeName.toUpperCase()),
    replacement: (content, node) => {
      if (!inTable(node)) return content;
      const index = Array.prototype.indexOf.call(node.parentNode?.children ?? [], node);
      const text = content.trim().replace(/[ \t]*\\?\n[ \t]*/g, '<br>').replace(/\|/g, '\\|');
      return `${index === 0 ? '| ' : ' '}${text} |`;
    },
    why: 'every `|` escaped (the plugin collapses `||` to one) and line breaks as <br> without trailing spaces; a table of one cell stays a table',
  },
];

/** Applies the site rules to a turndown service, once: removals, rules, and the text escaping. */
export function sitePlugin(context: RuleContext): TurndownService.Plugin {
  return (service) => {
    service.remove([...REMOVED_ELEMENTS] as never);
    for (const rule of SITE_RULES) {
      service.addRule(rule.key, {
        filter: rule.filter as unknown as TurndownService.FilterFunction,
        replacement: (content, node) => rule.replacement(content, node as unknown as DomNode, context),
      });
    }
    service.escape = escapeText; // turndown escapes every text node through this method
  };
}

/**
 * Turndown's option for elements with nothing in them (its rules never see them): an empty list
 * item is still an item (dropped, the list after it would render otherwise); else turndown's default.
 */
export function blankReplacement(_content: string, node: TurndownService.Node): string {
  const element = node as unknown as DomNode;
  if (isListItem(element)) return listItem('', element);
  return element.isBlock ? '\n\n' : '';
}

function isListItem(node: DomNode): boolean {
  return node.nodeName === 'LI' && !(node.getAttribute('id') ?? '').startsWith('fn:');
}

function listItem(content: string, node: DomNode): string {
  const prefix = listMarker(node);
  // A list is loose when its items hold paragraphs (CommonMark renders a tight item's text bare),
  // not because an item ends in a block: a blank line in a tight list would make it loose.
  const loose = isLooseList(node.parentNode);
  let body = content.replace(/^\n+/, '').replace(/\n+$/, '');
  if (!loose && !node.children.some((child) => child.nodeName === 'UL' || child.nodeName === 'OL')) body = withoutBlankLines(body);
  body += loose ? '\n' : '';
  return prefix + indent(body, prefix.length) + (node.nextSibling ? '\n' : '');
}

function isLooseList(list: DomNode | null): boolean {
  return (list?.children ?? []).some((item) => item.children.some((child) => child.nodeName === 'P'));
}

// Blank lines between an item's blocks, never inside its fenced code.
function withoutBlankLines(body: string): string {
  let fence: string | undefined;
  return body
    .split('\n')
    .filter((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (marker && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker))) fence = fence === undefined ? marker : undefined;
      return fence !== undefined || line.trim() !== '';
    })
    .join('\n');
}

function insideListItem(node: DomNode): boolean {
  for (let parent = node.parentNode; parent; parent = parent.parentNode) if (parent.nodeName === 'LI') return true;
  return false;
}

function formatLink(content: string, node: DomNode, context: RuleContext): string {
  const rawHref = (node.getAttribute('href') ?? '').trim();
  if (rawHref === '' || isUnsafeUrl(rawHref)) return content;
  const href = absoluteUrl(rawHref, context.baseUrl);
  const text = (node.textContent ?? '').trim();
  const bare = bareForm(text, rawHref, href);
  if (bare !== undefined) return linkifies(node, bare) ? bare : `<${href}>`;
  const linkText = unescapeLinkify(content);
  const label = balancedBrackets(linkText) ? linkText : linkText.replace(/(?<!\\)[[\]]/g, '\\$&');
  if (label.trim() === '') return href.startsWith('#') || href === '' ? '' : `<${formatDestination(href)}>`;
  return `[${unescapeLineStart(label)}](${formatDestination(href)}${formatTitle(node.getAttribute('title'))})`;
}

// The text goldmark's linkify turns back into this very link, if there is one.
function bareForm(text: string, rawHref: string, href: string): string | undefined {
  if (/^(?:https?|ftp):\/\/[^\s<>]+$/i.test(text) && (text === rawHref || text === href)) return text;
  // goldmark's linkify gives `www.` links https.
  if (/^www\.[^\s<>]+$/i.test(text) && href === `https://${text}`) return text;
  if (/^[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}$/.test(text) && href === `mailto:${text}`) return text;
  return undefined;
}

// Linkify stops before trailing punctuation and needs a word boundary on both sides.
function linkifies(node: DomNode, url: string): boolean {
  if (!/[\p{L}\p{N}/#=+%$-]$/u.test(url)) return false;
  const before = (node.previousSibling?.textContent ?? '').slice(-1);
  const after = (node.nextSibling?.textContent ?? '').charAt(0);
  return !/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}_/#=&%~*+@-]/u.test(after);
}

function balancedBrackets(text: string): boolean {
  let depth = 0;
  for (const match of text.matchAll(/(?<!\\)[[\]]/g)) {
    depth += match[0] === '[' ? 1 : -1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function hasTextAfter(node: DomNode): boolean {
  for (let next = node.nextSibling; next; next = next.nextSibling) {
    if ((next.textContent ?? '').trim() !== '' || next.nodeName === 'IMG') return true;
  }
  return false;
}
