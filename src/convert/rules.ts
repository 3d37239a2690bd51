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
      const [before, after] = writtenBeside(node);
      const inWord = /[\p{L}\p{N}]$/u.test(before) || /^[\p{L}\p{N}]/u.test(after);
      // `__x__` is strong: emphasis around emphasis takes the other delimiter.
      const edge = edgeDelimiter(content);
      const delimiter = inWord || edge === '_' || (edge === undefined && alternates(node)) ? '*' : '_';
      return `${delimiter}${unescapeLineStart(content)}${delimiter}`;
    },
    why: 'one emphasis style (`_`), and `*` where `_` would not work inside a word or around `_` emphasis',
  },
  {
    key: 'strong',
    filter: is('STRONG', 'B'),
    replacement: (content, node) => {
      if (!content.trim()) return '';
      const [before, after] = writtenBeside(node);
      // `****x**…**` is no strong in strong: around `**` strong, `__` (which does not work inside a word).
      const inWord = /[\p{L}\p{N}]$/u.test(before) || /^[\p{L}\p{N}]/u.test(after);
      const edge = edgeDelimiter(content);
      const delimiter = !inWord && (edge === '*' || (edge === undefined && alternates(node))) ? '__' : '**';
      return `${delimiter}${unescapeLineStart(content)}${delimiter}`;
    },
    why: 'after `**` a line has begun: `**1. Present:**` needs no escaped dot; `__` around strong',
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
      return `\n\n${text.replace(/^/gm, '> ').replace(/^> $/gm, '>')}\n\n`;
    },
    why: 'no trailing space on the blank lines of a quote; an empty quote is `>`',
  },
  {
    key: 'codeBlock',
    filter: is('PRE'),
    replacement: (_content, node) => {
      const text = node.textContent ?? '';
      const code = text.replace(/\n$/, '');
      const language = /(?:^|\s)language-(\S+)/.exec(node.querySelector('code')?.getAttribute('class') ?? '')?.[1] ?? '';
      // A backtick fence cannot carry a backtick in its info string: then tildes.
      const mark = language.includes('`') ? '~' : '`';
      const longest = Math.max(2, ...(code.match(mark === '`' ? /`{3,}/g : /~{3,}/g) ?? []).map((run) => run.length));
      const fence = mark.repeat(longest + 1);
      return `\n\n${fence}${language}\n${text === '' ? '' : `${code}\n`}${fence}\n\n`;
    },
    why: 'fenced, with or without an inner <code> (Hugo highlighting adds spans), fence longer than any run inside',
  },
  {
    key: 'inlineCode',
    filter: (node) => node.nodeName === 'CODE' && node.parentNode?.nodeName !== 'PRE',
    replacement: (_content, node) => codeSpan((node.textContent ?? '').replace(/\r?\n|\r/g, ' ')),
    why: 'the span\'s own spaces kept inside it (with preformattedCode turndown leaves them there), a fence longer than any backtick run',
  },
  {
    key: 'horizontalRule',
    filter: is('HR'),
    replacement: (_content, node) => (insideListItem(node) ? `\n___${hasTextAfter(node) ? '\n' : ''}` : '\n\n---\n\n'),
    why: 'in a list item `___` on its own line, no blank line (a tight item stays tight): `- ---` is a rule outside the list, `* ***` too, `---` under text a heading underline',
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
 * item is still an item (dropped, the list after it would render otherwise), an empty code block a
 * code block; else turndown's default.
 */
export function blankReplacement(_content: string, node: TurndownService.Node): string {
  const element = node as unknown as DomNode;
  // An empty item's own empty lists are still there, from its second line (`- - -` is a rule).
  if (isListItem(element)) {
    const nested = element.children.map((child) => blankReplacement('', child as unknown as TurndownService.Node)).join('').trim();
    if (nested === '') return listItem('', element);
    const prefix = listMarker(element);
    const loose = isLooseList(element.parentNode) ? '\n' : '';
    return `${prefix.trimEnd()}\n${' '.repeat(prefix.length)}${indent(nested, prefix.length)}${loose}${element.nextSibling ? '\n' : ''}`;
  }
  if ((element.nodeName === 'UL' || element.nodeName === 'OL') && element.children.length > 0) {
    return `\n\n${element.children.map((item) => blankReplacement('', item as unknown as TurndownService.Node)).join('')}\n\n`;
  }
  // A code block of blank lines is still a code block.
  if (element.nodeName === 'BLOCKQUOTE') {
    const inner = element.children.map((child) => blankReplacement('', child as unknown as TurndownService.Node)).join('');
    return SITE_RULES.find((rule) => rule.key === 'blockquote')!.replacement(inner, element, { baseUrl: '' });
  }
  if (element.nodeName === 'CODE' && element.parentNode?.nodeName !== 'PRE') return codeSpan(element.textContent.replace(/\r?\n|\r/g, ' '));
  // An empty heading (not one emptied by removing its anchor: the heading rule drops that).
  if (/^H[1-6]$/.test(element.nodeName)) return `\n\n${'#'.repeat(Number(element.nodeName.charAt(1)))}\n\n`;
  if (element.nodeName === 'PRE') return SITE_RULES.find((rule) => rule.key === 'codeBlock')!.replacement('', element, { baseUrl: '' });
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
  // `- - -` or `* * *` would be a rule: then the item's content starts on its second line.
  const firstLine = `${prefix}${body.split('\n', 1)[0]}`;
  const lead = /^(?:[-*_][ \t]*){3,}$/.test(firstLine) ? `${prefix.trimEnd()}\n${' '.repeat(prefix.length)}` : prefix;
  return lead + indent(body, prefix.length) + (node.nextSibling ? '\n' : '');
}

// CommonMark strips one space from each side of a span that has both and more than spaces.
function codeSpan(code: string): string {
  if (code === '') return '';
  const runs = new Set(code.match(/`+/g) ?? []);
  let fence = '`';
  while (runs.has(fence)) fence += '`';
  const pad = /^`|`$/.test(code) || /^ (?=.*[^ ]).* $/s.test(code) ? ' ' : '';
  return `${fence}${pad}${code}${pad}${fence}`;
}

// The text written right before and after an inline element, as far as its text siblings tell: an
// element sibling starts or ends with its own delimiter (punctuation), not its text.
function writtenBeside(node: DomNode): [string, string] {
  const text = (sibling: DomNode | null): string => (!sibling || DELIMITED.has(sibling.nodeName) ? '' : sibling.textContent);
  return [text(node.previousSibling), text(node.nextSibling)];
}

/** Elements written with punctuation at their edges; any other (a span) is written as its text. */
const DELIMITED = new Set(['EM', 'I', 'STRONG', 'B', 'A', 'CODE', 'DEL', 'S', 'STRIKE', 'IMG', 'BR', 'SUP', BANG]);

// The emphasis delimiter the content starts or ends with: the one around it must differ, or the runs merge.
function edgeDelimiter(content: string): string | undefined {
  return /^[*_]/.exec(content)?.[0] ?? /(?<!\\)[*_]$/.exec(content)?.[0];
}

const kind = (name: string): string => ({ B: 'STRONG', I: 'EM' })[name] ?? name;

// Emphasis right after or inside emphasis of its kind would run into its delimiters (`**a****b**`,
// `**a **b** c**`): every other one, by those before and above it, takes the other delimiter.
function alternates(node: DomNode): boolean {
  let count = 0;
  for (let sibling = node.previousSibling; sibling && sibling.nodeType === 1 && kind(sibling.nodeName) === kind(node.nodeName); sibling = sibling.previousSibling) count += 1;
  // Only emphasis right inside its kind: a strong between two ems keeps their delimiters apart.
  for (let parent = node.parentNode; parent && ['EM', 'STRONG'].includes(kind(parent.nodeName)); parent = parent.parentNode) {
    if (kind(parent.nodeName) !== kind(node.nodeName)) break;
    count += 1;
  }
  return count % 2 === 1;
}

function isLooseList(list: DomNode | null): boolean {
  return (list?.children ?? []).some((item) => item.children.some((child) => child.nodeName === 'P'));
}

// Blank lines between an item's blocks, never inside its fenced code nor around a table or after a
// quote (a table or a quote's paragraph would take in the next line; a table cannot interrupt a
// paragraph; an HTML table would take in what follows).
function withoutBlankLines(body: string): string {
  let fence: string | undefined;
  const lines = body.split('\n');
  return lines
    .filter((line, i) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (marker && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker))) fence = fence === undefined ? marker : undefined;
      if (fence !== undefined || line.trim() !== '') return true;
      const [before, after] = [(lines[i - 1] ?? '').trimStart(), (lines[i + 1] ?? '').trimStart()];
      return /^[|>]/.test(before) || /^\|/.test(after) || /<\/table>$/.test(before);
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
  // Where linkify would not make the link, an autolink does (an e-mail's without its `mailto:`);
  // a `www.` one would show its https://, so it is an ordinary link.
  if (bare !== undefined && linkifies(node, bare)) return bare;
  if (bare !== undefined && (bare === href || (href === `mailto:${bare}` && AUTOLINK_EMAIL.test(bare) && !/^[!?]/.test(bare)))) return `<${bare}>`;
  const linkText = outsideCode(content, unescapeLinkify);
  // Brackets in code spans are code: neither counted nor escaped.
  const label = balancedBrackets(linkText.replace(CODE_SPAN, '')) ? linkText : linkText.replace(new RegExp(`${CODE_SPAN.source}|(?<!\\\\)[[\\]]`, 'g'), (m: string, fence?: string) => (fence ? m : `\\${m}`));
  if (label.trim() === '' && (href.startsWith('#') || href === '')) return '';
  return `[${unescapeLineStart(label)}](${formatDestination(href)}${formatTitle(node.getAttribute('title'))})`;
}

// CommonMark's e-mail autolink (§6.5); `<!` or `<?` would open raw HTML instead.
const AUTOLINK_EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

// The text goldmark's linkify turns back into this very link, if there is one.
function bareForm(text: string, rawHref: string, href: string): string | undefined {
  if (/^(?:https?|ftp):\/\/[^\s<>]+$/i.test(text) && (text === rawHref || text === href)) return text;
  // goldmark's linkify gives `www.` links https.
  if (/^www\.[^\s<>]+$/i.test(text) && href === `https://${text}`) return text;
  if (/^[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}$/.test(text) && href === `mailto:${text}`) return text;
  return undefined;
}

// Linkify stops before trailing punctuation and needs a boundary on both sides.
function linkifies(node: DomNode, url: string): boolean {
  if (!/[\p{L}\p{N}/#=+%$-]$/u.test(url)) return false;
  // A hard break is written `\`, which linkify would take into the URL.
  if (node.nextSibling?.nodeName === 'BR') return false;
  // First or last in emphasis, a delimiter would touch it: renderers disagree on what linkify does there.
  if ((!node.previousSibling || !node.nextSibling) && !BLOCK_PARENTS.has(node.parentNode?.nodeName ?? '')) return false;
  // Beside an element, the character written next to it is a delimiter, not the element's text.
  if ((node.previousSibling && node.previousSibling.nodeType !== 3) || (node.nextSibling && node.nextSibling.nodeType !== 3)) return false;
  const before = (node.previousSibling?.textContent ?? '').slice(-1);
  const after = node.nextSibling?.textContent ?? '';
  // goldmark links only at a line start or after white space or `(` (`*`, `_`, `~` in text are written escaped, which stops it).
  // …and it ends the link at white space, or at trailing punctuation that white space or the end follows.
  const ends = /^[.,:!?)'"]*\s/u.test(after) || (/^[.,:!?)'"]*$/u.test(after) && !node.nextSibling?.nextSibling && BLOCK_PARENTS.has(node.parentNode?.nodeName ?? ''));
  return (before === '' || /[\s(]/u.test(before)) && ends;
}

const BLOCK_PARENTS = new Set(['P', 'LI', 'TD', 'TH', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'DIV', 'X-TURNDOWN', 'DD', 'DT', 'SECTION', 'ARTICLE']);

const CODE_SPAN = /(?<!\\)(`+)[^`][\s\S]*?(?<!`)\1(?!`)/g;

/** `change` applied to the text between code spans only (a code span is written as it is). */
function outsideCode(content: string, change: (text: string) => string): string {
  let result = '';
  let last = 0;
  for (const span of content.matchAll(CODE_SPAN)) {
    result += change(content.slice(last, span.index)) + span[0];
    last = span.index + span[0].length;
  }
  return result + change(content.slice(last));
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
    if ((next.textContent ?? '').trim() !== '' || next.nodeName === 'IMG' || (next.nodeType === 1 && next.getElementsByTagName('img').length > 0)) return true;
  }
  return false;
}
