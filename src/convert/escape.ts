// Escaping for text and link destinations: only where a character would otherwise change the
// rendering, so the archive reads like the site's own Markdown sources.

/** One escape: `pattern` (global) is replaced, `why` says what the character would do unescaped. */
export interface TextEscape {
  pattern: RegExp;
  replace: (match: string, ...rest: Array<string | number>) => string;
  why: string;
}

// A GFM delimiter row with a `|` (without one, `-` is a list item or a setext underline, escaped below).
const TABLE_DELIMITER_ROW = /^(?=[^|]*\|)\|?(?:[ \t]*:?-+:?[ \t]*\|)*[ \t]*:?-+:?[ \t]*\|?[ \t]*$/;
const ALNUM = /[\p{L}\p{N}]/u;
const SPACE = /\s/;
const at = (text: string, index: number): string => text.charAt(index);

/**
 * Escapes applied to every text node (code excepted), in order. `^` means the start of a text node,
 * which is where a line starts when the node opens a block.
 */
export const TEXT_ESCAPES: readonly TextEscape[] = [
  {
    pattern: /\\(?=[!-/:-@[-`{-~]|$)/g,
    replace: () => '\\\\',
    why: 'a backslash before punctuation or at a line end is itself an escape',
  },
  { pattern: /`/g, replace: () => '\\`', why: 'starts a code span' },
  {
    pattern: /\*/g,
    replace: (...args) => escapeUnlessSpaced('*', args),
    why: 'emphasis, unless it stands between spaces (`2 * 3`)',
  },
  {
    pattern: /_/g,
    replace: (...args) => escapeUnlessWordOrSpaced('_', args),
    why: 'emphasis, unless inside a word (`snake_case`) or between spaces',
  },
  {
    pattern: /~/g,
    replace: (...args) => escapeIfRepeated('~', args),
    why: "two tildes make strikethrough; one at a text edge may join a strikethrough's `~~`",
  },
  {
    pattern: /\[/g,
    replace: (...args) => escapeOpeningBracket(args),
    why: 'a link, reference or footnote when its `]` is followed by `(`, `[` or `:`, or may be so in a later node',
  },
  { pattern: /<(?=[A-Za-z/!?])/g, replace: () => '\\<', why: 'raw HTML or an autolink' },
  {
    pattern: /(?<=\{)\{(?=[<%])/g,
    replace: () => '\\{',
    why: 'Hugo reads `{{<` and `{{%` as a shortcode, before the Markdown: an unknown one fails the build (the second `{` escaped: `\\{{<` still holds `{{<`)',
  },
  { pattern: /&(?=#?[A-Za-z0-9]+;)/g, replace: () => '\\&', why: 'an entity reference' },
  // goldmark's linkify starts a link at a line start or after white space, `*`, `_`, `~` or `(`, and
  // after what its typographer turned into another character (quotes, `--`, `...`, `<<`, `>>`).
  {
    pattern: /(?<=(?:^|[\s*_~("']|--|\.\.\.|<<|>>)(?:https?|ftp)):(?=\/\/[^\s<])/gi,
    replace: () => '\\:',
    why: 'linkify makes a URL a link',
  },
  {
    pattern: /(?<=(?:^|[\s*_~("']|--|\.\.\.|<<|>>)www)\.(?=[\w-]+\.)/gi,
    replace: () => '\\.',
    why: 'linkify makes `www.` text a link',
  },
  {
    pattern: /(?<=[\w.!#$%&'*+/=?^`{|}~-])@(?=[\w-]+(?:\.[\w-]+)+)/g,
    replace: () => '\\@',
    why: 'linkify makes an e-mail address a link',
  },
  { pattern: /^(#{1,6})(?=\s|$)/g, replace: (hashes) => `\\${hashes}`, why: 'an ATX heading' },
  { pattern: /^>/g, replace: () => '\\>', why: 'a blockquote' },
  {
    pattern: /^:(?=\s|$)/g,
    replace: () => '\\:',
    why: "a definition (goldmark's definition lists) under a line of text",
  },
  { pattern: /^[-+](?=\s|$)/g, replace: (marker) => `\\${marker}`, why: 'a bullet list item' },
  {
    pattern: /^(\d{1,9})([.)])(?=\s|$)/g,
    replace: (_match, digits, dot) => `${digits}\\${dot}`,
    why: 'an ordered list item',
  },
  {
    pattern: /^([|: \t]*)-(?=[-|: \t]*$)/g,
    replace: (row, lead, ...args) => (TABLE_DELIMITER_ROW.test(String(args.at(-1))) ? `${lead}\\-` : row),
    why: "a table's delimiter row (`|-`) on a line after a hard break: goldmark makes the line before a table head (its first dash escaped: a `|` is escaped again in a cell)",
  },
  {
    pattern: /^[=-](?=[=-]*\s*$)|^-(?=(?:[ \t]*-){2}[- \t]*$)/g,
    replace: (mark) => `\\${mark}`,
    why: 'a setext underline, or a thematic break (`-- --`: its dashes may have spaces between)',
  },
];

// The last two replacer arguments are the match offset and the whole text.
function escapeUnlessSpaced(char: string, args: Array<string | number>): string {
  const [offset, text] = args.slice(-2) as [number, string];
  return SPACE.test(at(text, offset - 1)) && SPACE.test(at(text, offset + 1)) ? char : `\\${char}`;
}

function escapeIfRepeated(char: string, args: Array<string | number>): string {
  const [offset, text] = args.slice(-2) as [number, string];
  const edge = offset === 0 || offset === text.length - 1;
  return !edge && text.indexOf(char) === text.lastIndexOf(char) ? char : `\\${char}`;
}

function escapeUnlessWordOrSpaced(char: string, args: Array<string | number>): string {
  const [offset, text] = args.slice(-2) as [number, string];
  const before = at(text, offset - 1);
  const after = at(text, offset + 1);
  if (ALNUM.test(before) && ALNUM.test(after)) return char;
  return SPACE.test(before) && SPACE.test(after) ? char : `\\${char}`;
}

// Brackets nest: in `[[ ] x](/u)` the first `[` is the link's, closed by the last `]`.
function escapeOpeningBracket(args: Array<string | number>): string {
  const [offset, text] = args.slice(-2) as [number, string];
  if (at(text, offset + 1) === '^') return '\\[';
  let depth = 0;
  for (let i = offset; i < text.length; i++) {
    if (text[i] === '[') depth += 1;
    else if (text[i] === ']' && --depth === 0) return /^(?:[([:]|)$/.test(at(text, i + 1)) ? '\\[' : '[';
  }
  return '\\[';
}

/** The escapes above anchored at `^`: they matter only where a text node starts a line. */
const LINE_START_ESCAPED = /^\\(?=#{1,6}(?:\s|$)|>|[-+:](?:\s|$)|[=-])|^(\d{1,9})\\(?=[.)])/;

/**
 * Undoes the line-start escapes for content that cannot start a line: a heading's text (after
 * `### `) or what follows an opening `**`, `_` or `[`. `### 1. Roll Call` needs no backslash.
 */
export function unescapeLineStart(content: string): string {
  return content.replace(LINE_START_ESCAPED, (_match, digits: string | undefined) => digits ?? '');
}

const LINKIFY_ESCAPED = /(?<=(?:https?|ftp))\\:(?=\/\/)|(?<=www)\\\.|(?<=[\w.!#$%&'*+/=?^`{|}~-])\\@/gi;

/** Undoes the linkify escapes where linkify never runs: a link's text, an image's alt. */
export function unescapeLinkify(content: string): string {
  return content.replace(LINKIFY_ESCAPED, (escaped) => escaped.slice(1));
}

// Text without any character an escape looks at (most text) is returned as it is.
const MAY_NEED_ESCAPE = /[\\`*_~[<&#>+=@{-]|^[\d:|]/;

/** Escapes a text node's content with {@link TEXT_ESCAPES}. */
export function escapeText(text: string): string {
  if (!MAY_NEED_ESCAPE.test(text) && !text.includes('://') && !/www\./i.test(text)) return text;
  let result = text;
  for (const { pattern, replace } of TEXT_ESCAPES) result = result.replace(pattern, replace);
  return result;
}

const UNSAFE_SCHEME = /^(?:javascript|vbscript|data):/;

/** True for `javascript:`, `vbscript:` and `data:` URLs (browsers ignore spaces and controls in the scheme). */
export function isUnsafeUrl(href: string): boolean {
  return UNSAFE_SCHEME.test(href.replace(/[\u0000-\u0020]+/g, '').toLowerCase());
}

/**
 * Makes `href` absolute against `base`. Absolute URLs are kept as written (a link keeps its URL);
 * a fragment-only link stays relative, since it points into the same post.
 */
export function absoluteUrl(href: string, base: string): string {
  const trimmed = href.trim();
  if (trimmed === '' || trimmed.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return trimmed;
  }
}

/** A link destination: spaces encoded, parentheses escaped only when unbalanced, entities and escapes kept literal. */
export function formatDestination(url: string): string {
  // A backslash before punctuation is escaped; an `&` that reads as an entity (`&#35;`) would be
  // decoded: written `&amp;` (after `\&` goldmark decodes the entity in a destination all the same).
  const encoded = url
    .replace(/ /g, '%20')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;');
  return balancedParens(encoded) ? encoded : encoded.replace(/[()]/g, '\\$&');
}

function balancedParens(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * A link title in double quotes. A line break is written `&#10;`: a title spanning lines would be
 * broken by a heading (one line) or a table cell, and a blank line would end it.
 */
export function formatTitle(title: string | null): string {
  const clean = (title ?? '').trim();
  return clean ? ` "${clean.replace(/["\\]|&(?=#?[A-Za-z0-9]+;)/g, '\\$&').replace(/\r\n?|\n/g, '&#10;')}"` : '';
}
