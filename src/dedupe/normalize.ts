/**
 * What "the same text" means when comparing an archive post with a page:
 * spellings that render alike (typography, Markdown variants, link forms,
 * whitespace) compare equal. Used only to compare; nothing written is normalized.
 */

/** One rewrite of a line's text; a table is applied in order. */
interface Rewrite {
  pattern: RegExp;
  replacement: string;
  why: string;
  /** Text every match contains: a line without it is passed over without running the pattern. */
  needs?: string;
}

// Typography: the site renders with goldmark's typographer; old converters and editors did not.
const TYPOGRAPHY: Rewrite[] = [
  { pattern: /&nbsp;|&#160;/g, replacement: ' ', why: 'an entity and the character it names are one text' },
  { pattern: /&quot;|&#34;/g, replacement: '"', why: 'entity' },
  { pattern: /&apos;|&#39;/g, replacement: "'", why: 'entity' },
  { pattern: /&lt;/g, replacement: '<', why: 'entity' },
  { pattern: /&gt;/g, replacement: '>', why: 'entity' },
  { pattern: /&amp;/g, replacement: '&', why: 'entity (last, so &amp;lt; stays &lt;)' },
  {
    pattern: /[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g,
    replacement: ' ',
    why: 'non-breaking and typographic spaces are spaces',
  },
  { pattern: /[\u200b-\u200d\u2060\ufeff]/g, replacement: '', why: 'zero-width characters are invisible' },
  { pattern: /[‘’‚‛′]/g, replacement: "'", why: 'the typographer curls straight single quotes' },
  { pattern: /[“”„‟″]/g, replacement: '"', why: 'the typographer curls straight double quotes' },
  { pattern: /…/g, replacement: '...', why: 'the typographer turns ... into an ellipsis' },
  { pattern: /[‐‑‒–—―−]/g, replacement: '-', why: 'the typographer turns -- and --- into en and em dashes' },
  { pattern: /-{2,}/g, replacement: '-', why: 'so -- and --- equal the single dash an en/em dash became' },
];

// Markdown spellings that render the same. Block-level rules first: they look at the line start.
const MARKDOWN: Rewrite[] = [
  {
    pattern: /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/,
    replacement: '<hr>',
    why: '---, *** and ___ are one thematic break',
  },
  {
    pattern: /^ {0,3}(#{1,6})(?:[ \t]+(.*?))??(?:[ \t]+#+)?[ \t]*$/,
    replacement: '$1 $2',
    why: 'ATX closing #s and spaces are optional',
  },
  { pattern: /^([ \t]*)[*+-][ \t]+/, replacement: '$1- ', why: '*, + and - bullets are one list item' },
  {
    pattern: /^([ \t]*)\d{1,9}[.)][ \t]+/,
    replacement: '$11. ',
    why: '1. and 1) are one item; only the first number shows',
  },
  { pattern: /^ {0,3}>[ \t]?/, replacement: '> ', why: 'a quote marker with or without its space' },
  {
    pattern: /\\([!-/:-@[-`{-~])/g,
    replacement: '$1',
    why: 'escaped and unescaped punctuation render the same',
    needs: '\\',
  },
  {
    pattern: /(?<![\w\\])__(?=\S)(.+?)(?<=\S)__(?!\w)/g,
    replacement: '**$1**',
    why: '__strong__ is **strong**',
    needs: '__',
  },
  {
    pattern: /(?<![\w\\*_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w*_])/g,
    replacement: '*$1*',
    why: '_em_ is *em* (never inside a word)',
    needs: '_',
  },
  {
    pattern: /<((?:https?|ftp|mailto):[^>\s]+)>/gi,
    replacement: '$1',
    why: '<url> is the bare url, which the site links anyway',
    needs: '<',
  },
  {
    pattern: /<([^@<>\s]+@[^<>\s]+\.[^<>\s]+)>/g,
    replacement: '$1',
    why: '<user@host> is the bare address',
    needs: '@',
  },
  {
    pattern: /\[((?:https?|ftp|mailto):[^\]\s]+)\]\(<?\1>?\)/gi,
    replacement: '$1',
    why: '[url](url) is the bare url',
    needs: '](',
  },
  { pattern: /[ \t]*\|[ \t]*/g, replacement: '|', why: 'table cell padding is layout', needs: '|' },
];

const WHITESPACE: Rewrite[] = [
  { pattern: /\t/g, replacement: '    ', why: 'a tab indents like four spaces', needs: '\t' },
  { pattern: /(\S) {2,}/g, replacement: '$1 ', why: 'runs of spaces inside a line render as one', needs: '  ' },
  { pattern: /\s+$/, replacement: '', why: 'trailing spaces (and a hard break made of them) are layout' },
];

/** @internal The tables, for tests. */
export const REWRITES = { TYPOGRAPHY, MARKDOWN, WHITESPACE } as const;

function applyAll(text: string, rewrites: readonly Rewrite[]): string {
  let out = text;
  for (const rule of rewrites)
    if (rule.needs === undefined || out.includes(rule.needs)) out = out.replace(rule.pattern, rule.replacement);
  return out;
}

/** A short text (title, description, tag) as compared: typography and spacing do not count. */
export function normalizeText(text: string): string {
  return applyAll(text.normalize('NFC'), TYPOGRAPHY).replace(/\s+/g, ' ').trim();
}

/** How a line takes part in paragraph joining. */
export type LineKind = 'blank' | 'text' | 'item' | 'block' | 'code';

/** A line's comparison key and its kind. */
export interface LineKey {
  key: string;
  kind: LineKind;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;

function kindOf(key: string): LineKind {
  if (key === '') return 'blank';
  if (/^ *(- |1\. |> )/.test(key)) return 'item';
  if (/^(#{1,6} |<hr>$|\|)/.test(key)) return 'block';
  return 'text';
}

// Code spans and URLs are compared byte for byte: the site's typographer never touches them, so a
// `--flag` or an `a--b` in a link is a real difference.
const VERBATIM = /(`+)[^`]*?\1|\]\([^)\s]*\)|(?:https?|ftp|mailto):[^\s)>\]]+/g;

// Every TYPOGRAPHY pattern needs one of these: a line with none is left as it is, unsplit.
const TYPOGRAPHIC = /[&\u00a0\u2000-\u200d\u202f\u205f\u3000\u2060\ufeff‘’‚‛′“”„‟″…‐‑‒–—―−]|--/;

function typography(line: string): string {
  if (!TYPOGRAPHIC.test(line)) return line;
  let out = '';
  let last = 0;
  for (const match of line.matchAll(VERBATIM)) {
    out += applyAll(line.slice(last, match.index), TYPOGRAPHY) + match[0];
    last = match.index + match[0].length;
  }
  return out + applyAll(line.slice(last), TYPOGRAPHY);
}

/** The comparison key of one line outside code (no context). */
export function normalizeLine(line: string): string {
  const key = applyAll(typography(applyAll(line.normalize('NFC'), MARKDOWN)), WHITESPACE);
  return kindOf(key) === 'text' ? key.trimStart() : key;
}

/**
 * Comparison keys of a document's lines, one per line (so a line diff can map
 * back to the original bytes). Tracks code fences (code is compared verbatim
 * less trailing spaces) and setext headings (`Title` + `---` keys as `## Title` + blank).
 */
export function lineKeys(lines: readonly string[]): LineKey[] {
  const out: LineKey[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const fenceMatch = FENCE.exec(line);
    if (fence !== undefined) {
      const closes =
        fenceMatch !== null &&
        fenceMatch[1]![0] === fence[0] &&
        fenceMatch[1]!.length >= fence.length &&
        fenceMatch[2] === '';
      if (closes) fence = undefined;
      out.push(closes ? { key: '```', kind: 'block' } : { key: line.trimEnd(), kind: 'code' });
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      out.push({ key: `\`\`\`${fenceMatch[2]}`, kind: 'block' });
      continue;
    }
    const previous = out.at(-1);
    if (previous?.kind === 'text' && SETEXT.test(line)) {
      previous.key = `${line.includes('=') ? '#' : '##'} ${previous.key}`;
      previous.kind = 'block';
      out.push({ key: '', kind: 'blank' });
      continue;
    }
    const key = normalizeLine(line);
    out.push({ key, kind: kindOf(key) });
  }
  return out;
}

/** Splits a body into lines; `\r\n` counts as one break. */
export function splitLines(markdown: string): string[] {
  return markdown.replace(/\r\n?/g, '\n').split('\n');
}

/**
 * A Markdown document as compared for "same content": every line keyed by
 * {@link normalizeLine}, blank-line runs (and leading/trailing blanks, and the
 * final newline) dropped, and a paragraph's wrapped lines joined, so re-wrapping
 * and tight vs loose lists do not count. Two bodies are the same content when
 * this returns the same string.
 *
 * @example
 * normalizeForCompare('## Attendees \n\n* Dean “DC” Coclin') === normalizeForCompare('## Attendees\n- Dean "DC" Coclin\n') // true
 */
export function normalizeForCompare(markdown: string): string {
  const out: LineKey[] = [];
  let afterBlank = true;
  for (const line of lineKeys(splitLines(markdown))) {
    if (line.kind === 'blank') {
      afterBlank = true;
      continue;
    }
    const previous = out.at(-1);
    // A soft-wrapped line continues its paragraph or list item: it renders as one space.
    if (!afterBlank && line.kind === 'text' && previous && (previous.kind === 'text' || previous.kind === 'item')) {
      previous.key = `${previous.key} ${line.key}`;
    } else {
      out.push({ ...line });
    }
    afterBlank = false;
  }
  return out.map((line) => line.key).join('\n');
}
