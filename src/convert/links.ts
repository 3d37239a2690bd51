// Links: inline `[text](url "title")`, an autolink, or the bare URL that goldmark's linkify makes
// the very same link again (and only where it does: at a line start or after white space or `(`,
// ending before white space or final punctuation).
import {
  absoluteUrl,
  formatDestination,
  formatTitle,
  isUnsafeUrl,
  unescapeLineStart,
  unescapeLinkify,
} from './escape.js';
import type { DomNode } from './dom.js';

export function formatLink(content: string, node: DomNode, context: { baseUrl: string }): string {
  const rawHref = (node.getAttribute('href') ?? '').trim();
  if (rawHref === '' || isUnsafeUrl(rawHref)) return content;
  const href = absoluteUrl(rawHref, context.baseUrl);
  const text = (node.textContent ?? '').trim();
  const bare = bareForm(text, rawHref, href);
  // Where linkify would not make the link, an autolink does (an e-mail's without its `mailto:`);
  // a `www.` one would show its https://, so it is an ordinary link.
  if (bare !== undefined && linkifies(node, bare)) return bare;
  if (
    bare !== undefined &&
    !afterAngle(node) &&
    (bare === href || (href === `mailto:${bare}` && AUTOLINK_EMAIL.test(bare) && !/^[!?]/.test(bare)))
  )
    return `<${bare}>`;
  const linkText = outsideCode(content, unescapeLinkify);
  const label = escapeUnpaired(linkText);
  if (label.trim() === '' && (href.startsWith('#') || href === '')) return '';
  return `[${unescapeLineStart(label)}](${formatDestination(href)}${formatTitle(node.getAttribute('title'))})`;
}

// After a `<`, an autolink's `<` would make `<<`, which goldmark's typographer takes (and then
// linkify the URL with its `>`).
const afterAngle = (node: DomNode): boolean =>
  node.previousSibling?.nodeType === 3 && node.previousSibling.textContent.endsWith('<');

// CommonMark's e-mail autolink (§6.5); `<!` or `<?` would open raw HTML instead.
const AUTOLINK_EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

// goldmark's linkify patterns (extension/linkify.go): a host ending in a lower-case name, a path of
// these ASCII characters only (a `*`, `|`, `\\` or `é` ends the link).
const GOLDMARK_URL =
  /^(?:https?|ftp):\/\/[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+(?::\d+)?(?:[/#?][-a-zA-Z0-9@:%_+.~#$!?&/=();,'">^{}[\]`]*)?/;
const GOLDMARK_WWW = /^www\.[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+(?:[/#?][-a-zA-Z0-9@:%_+.~#!?&/=();,'">^{}[\]`]*)?/;

// The text goldmark's linkify turns back into this very link, if there is one.
function bareForm(text: string, rawHref: string, href: string): string | undefined {
  if (GOLDMARK_URL.exec(text)?.[0] === text && (text === rawHref || text === href)) return text;
  // goldmark's linkify gives `www.` links https.
  if (GOLDMARK_WWW.exec(text)?.[0] === text && href === `https://${text}`) return text;
  if (/^[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}$/.test(text) && href === `mailto:${text}`) return text;
  return undefined;
}

// Linkify stops before trailing punctuation and needs a boundary on both sides.
function linkifies(node: DomNode, url: string): boolean {
  // …and starts an e-mail address only at a letter or digit (`--a@b.org` is no link).
  if (!/[\p{L}\p{N}/#=+%$-]$/u.test(url) || !/^[A-Za-z0-9]/.test(url)) return false;
  // Its `*`, or a `_` not inside a word, is an emphasis delimiter to a renderer that links after
  // parsing emphasis (markdown-it; goldmark links first): an autolink holds it literally.
  if (/\*|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/u.test(url)) return false;
  // A hard break is written `\`, which linkify would take into the URL.
  if (node.nextSibling?.nodeName === 'BR') return false;
  // First or last in emphasis, a delimiter would touch it: renderers disagree on what linkify does there.
  if ((!node.previousSibling || !node.nextSibling) && !BLOCK_PARENTS.has(node.parentNode?.nodeName ?? '')) return false;
  // Beside an element, the character written next to it is a delimiter, not the element's text.
  if (
    (node.previousSibling && node.previousSibling.nodeType !== 3) ||
    (node.nextSibling && node.nextSibling.nodeType !== 3)
  )
    return false;
  const before = (node.previousSibling?.textContent ?? '').slice(-1);
  const after = node.nextSibling?.textContent ?? '';
  // goldmark links only at a line start or after white space or `(` (`*`, `_`, `~` in text are written escaped, which stops it).
  // …and it ends the link at white space, or at trailing punctuation that white space or the end
  // follows (not at a quote: goldmark takes `'` and `"` into a URL; a `)` only as the last: in
  // `x),` goldmark keeps the `)`).
  const ends =
    /^(?:[.,:!?]*|\))\s/u.test(after) ||
    (/^(?:[.,:!?]*|\))$/u.test(after) &&
      !node.nextSibling?.nextSibling &&
      BLOCK_PARENTS.has(node.parentNode?.nodeName ?? ''));
  return (before === '' || /[\s(]/u.test(before)) && ends;
}

const BLOCK_PARENTS = new Set([
  'P',
  'LI',
  'TD',
  'TH',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'BLOCKQUOTE',
  'DIV',
  'X-TURNDOWN',
  'DD',
  'DT',
  'SECTION',
  'ARTICLE',
]);

const CODE_SPAN = /(?<!\\)(`+)[^`][\s\S]*?(?<!`)\1(?!`)/g;

/** `change` applied to the text between code spans only (a code span is written as it is). */
export function outsideCode(content: string, change: (text: string) => string): string {
  let result = '';
  let last = 0;
  for (const span of content.matchAll(CODE_SPAN)) {
    result += change(content.slice(last, span.index)) + span[0];
    last = span.index + span[0].length;
  }
  return result + change(content.slice(last));
}

const BRACKET_OR_CODE = new RegExp(`${CODE_SPAN.source}|(?<!\\\\)[[\\]]`, 'g');

/**
 * Link text with its unpaired brackets escaped: one would end the text early or open a label. Paired
 * ones (an image's, `[x]`) stay as written, and brackets in code spans are code.
 */
function escapeUnpaired(text: string): string {
  const open: number[] = [];
  const unpaired: number[] = [];
  for (const match of text.matchAll(BRACKET_OR_CODE)) {
    if (match[1]) continue;
    if (match[0] === '[') open.push(match.index);
    else if (open.pop() === undefined) unpaired.push(match.index);
  }
  let result = text;
  for (const at of [...unpaired, ...open].sort((a, b) => b - a)) result = `${result.slice(0, at)}\\${result.slice(at)}`;
  return result;
}
