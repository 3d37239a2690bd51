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

/** The element a literal `!` right before a link becomes (rules.ts writes it `\!`). */
export const BANG = 'X-CABSYNC-BANG';

/**
 * The element a literal `\` right before a hard break becomes (rules.ts writes it `&#92;`): goldmark
 * reads the escaped `\\` and the break's `\` as a literal `\\` and a space, not `\` and a break.
 */
export const BACKSLASH = 'X-CABSYNC-BACKSLASH';

/** The text node a hard break is about to follow, when it ends in a `\` that must be written `&#92;`. */
export function backslashBefore(parent: DomNode, name: string): DomNode | undefined {
  const last = parent.lastChild;
  return name === 'br' && last?.nodeType === TEXT && last.data.endsWith('\\') ? last : undefined;
}

/**
 * The element an e-mail address's `@` right after emphasis, strikethrough or code becomes (rules.ts
 * writes it `\@`): goldmark's linkify takes the delimiter before it (`_`, `*`, `~`, a backtick) into the
 * address's local part, and either emphasis character would do.
 */
export const AT = 'X-CABSYNC-AT';
const WRITTEN_WITH_DELIMITERS = new Set(['em', 'i', 'strong', 'b', 'del', 's', 'strike', 'code']);

/** True when text about to follow `parent`'s last child starts with an address's `@` that must be written `\@`. */
export function atAfterDelimiter(parent: DomNode, data: string): boolean {
  const last = parent.lastChild;
  return last?.nodeType === ELEMENT && WRITTEN_WITH_DELIMITERS.has(last.localName) && /^@[\w-]+\./.test(data);
}

/** True for an element the view leaves out (a task list's checkbox stays). */
export function isRemoved(name: string, attribs: Record<string, string>): boolean {
  return REMOVED.has(name) && !(name === 'input' && attribs.type === 'checkbox');
}

/** The text node a link is about to follow, when it ends in a `!` that must be written `\!`. */
export function bangBefore(parent: DomNode, name: string, attribs: Record<string, string>): DomNode | undefined {
  const last = parent.lastChild;
  return name === 'a' && attribs.href !== undefined && last?.nodeType === TEXT && last.data.endsWith('!')
    ? last
    : undefined;
}
