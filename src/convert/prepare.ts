// What the view needs before turndown walks it, done as view.ts builds it. Turndown converts an
// element's children before it looks at the element, so a removed element's content was still
// converted (a `<td>` inside an `<svg>` reached the GFM plugin's cell rule and threw): removed
// elements are never built. And a literal `!` right before a link would make it an image.
import { ELEMENT, TEXT } from './dom-constants.js';
import type { DomNode } from './dom.js';

/** Elements dropped with their content: active or interactive content, never text. */
export const REMOVED_ELEMENTS = [
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'object',
  'embed',
  'applet',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'svg',
  'canvas',
] as const;
const REMOVED = new Set<string>(REMOVED_ELEMENTS);

/** True for an element the view leaves out (a task list's checkbox stays). */
export function isRemoved(name: string, attribs: Record<string, string>): boolean {
  return REMOVED.has(name) && !(name === 'input' && attribs.type === 'checkbox');
}

/**
 * The element a character written escaped becomes (its `written` attribute: rules.ts writes that):
 * one that would mean something else beside what the view is about to add next to it.
 */
export const MARK = 'X-CABSYNC-MARK';

const WRITTEN_WITH_DELIMITERS = new Set(['em', 'i', 'strong', 'b', 'del', 's', 'strike', 'code']);

/** The characters marked, and where: at the end of the text an element is about to follow, or at the start of text after one. */
const MARKS: readonly {
  char: string;
  written: string;
  /** The element the text ends before (`before`) or the text starts after (`after`). */
  side: 'before' | 'after';
  next: (name: string, attribs: Record<string, string>) => boolean;
  /** For `after`: what the text must start with (the character included). */
  text?: RegExp;
  why: string;
}[] = [
  {
    char: '!',
    written: '\\!',
    side: 'before',
    next: (name, attribs) => name === 'a' && attribs.href !== undefined,
    why: 'a literal `!` before a link would make it an image',
  },
  {
    char: '\\',
    written: '&#92;',
    side: 'before',
    next: (name) => name === 'br',
    why: "goldmark reads an escaped backslash, the break's backslash and the line end as two backslashes and a space",
  },
  {
    char: '@',
    written: '\\@',
    side: 'after',
    next: (name) => WRITTEN_WITH_DELIMITERS.has(name),
    text: /^@[\w-]+\./,
    why: "goldmark's linkify takes the delimiter before an address's `@` (`_`, `*`, `~`, a backtick) into its local part",
  },
];

/** How to write the last character of `parent`'s last child (a text node) before an element named `name` is added. */
export function markBefore(parent: DomNode, name: string, attribs: Record<string, string>): string | undefined {
  const last = parent.lastChild;
  if (last?.nodeType !== TEXT) return undefined;
  return MARKS.find((mark) => mark.side === 'before' && last.data.endsWith(mark.char) && mark.next(name, attribs))
    ?.written;
}

/** How to write the first character of text about to follow `parent`'s last child (an element). */
export function markAfter(parent: DomNode, data: string): string | undefined {
  const last = parent.lastChild;
  if (last?.nodeType !== ELEMENT) return undefined;
  return MARKS.find((mark) => mark.side === 'after' && mark.text?.test(data) && mark.next(last.localName, {}))?.written;
}
