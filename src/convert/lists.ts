// List items and their markers. Two lists in a row written with the same marker are one list in Markdown (CommonMark
// §5.3: a list ends at a change of bullet character or of ordered delimiter), so a list right after
// another of its kind takes the other marker, as mdast-util-to-markdown's join does.
import type { DomNode } from './dom.js';
import { outsideCode } from './links.js';

/**
 * A fence opening a line, or after the list markers and quote marks that start it (`- ```` `).
 * Each space has one place to go: an ambiguous pattern backtracks exponentially on `> > > …`.
 */
export const FENCE = /^(?:[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]|[ \t]*>)*[ \t]*(`{3,}|~{3,})/;

const indent = (text: string, width: number): string => text.replace(/\n(?=[^\n])/g, `\n${' '.repeat(width)}`);

const BULLETS = ['-', '*'] as const;
const DELIMITERS = ['.', ')'] as const;

/** The marker and its space for list item `item`: `- `, `* `, `1. ` or `1) `. */
export function listMarker(item: DomNode): string {
  const list = item.parentNode;
  const turn = list ? listsBefore(list) % 2 : 0;
  if (list?.nodeName !== 'OL') return `${BULLETS[turn]} `;
  const start = Number(list.getAttribute('start') ?? '1');
  const position = list.children.indexOf(item);
  return `${(Number.isFinite(start) ? start : 1) + position}${DELIMITERS[turn]} `;
}

/** How many lists of `list`'s kind come right before it, with nothing written between them. */
function listsBefore(list: DomNode): number {
  let count = 0;
  for (let node = list.previousSibling; node; node = node.previousSibling) {
    if (writesNothing(node)) continue;
    if (node.nodeName !== list.nodeName) break;
    count += 1;
  }
  return count;
}

const VISIBLE_WHEN_EMPTY = ['img', 'hr', 'li', 'table', 'pre', 'input'];

// White space, comments and elements without text or anything visible (an empty list too) leave
// nothing between two lists.
function writesNothing(node: DomNode): boolean {
  if (node.nodeType !== 1) return node.nodeType === 8 || (node.nodeType === 3 && node.data.trim() === '');
  if (node.textContent.trim() !== '') return false;
  return !VISIBLE_WHEN_EMPTY.some((name) => node.localName === name || node.getElementsByTagName(name).length > 0);
}

export function isListItem(node: DomNode): boolean {
  return node.nodeName === 'LI' && !(node.getAttribute('id') ?? '').startsWith('fn:');
}

export function listItem(content: string, node: DomNode): string {
  const prefix = listMarker(node);
  // A list is loose when its items hold paragraphs (CommonMark renders a tight item's text bare),
  // not because an item ends in a block: a blank line in a tight list would make it loose.
  const loose = isLooseList(node.parentNode);
  // Turndown puts the space of emphasis opening on an image (`<em><img> x</em>`) before it: at the
  // start of an item it would indent the item's content, and its later lines would fall outside.
  let body = content.replace(/^\n*[ \t]*/, '').replace(/\n+$/, '');
  // Its lists' blank lines are theirs: only when they are all tight too are all of them the item's.
  if (!loose && ![...node.getElementsByTagName('ul'), ...node.getElementsByTagName('ol')].some(isLooseList))
    body = withoutBlankLines(body);
  body = withoutTaskBoxes(joinedAfterEmptyItems(body, loose && node.parentNode?.children.length === 1), node);
  body += loose && !endsInEmptyItem(body) ? '\n' : '';
  return itemLead(prefix, body) + indent(body, prefix.length) + (node.nextSibling ? '\n' : '');
}

/**
 * The marker an item's content follows: on its line, unless `- - -` or `* * *` would be a rule;
 * then on the next line (where goldmark, unlike CommonMark, reads a list marker as the next item).
 */
export function itemLead(prefix: string, body: string): string {
  const firstLine = `${prefix}${body.split('\n', 1)[0]}`;
  return /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/.test(firstLine)
    ? `${prefix.trimEnd()}\n${' '.repeat(prefix.length)}`
    : prefix;
}

export function isLooseList(list: DomNode | null): boolean {
  return (list?.children ?? []).some((item) => item.children.some((child) => child.nodeName === 'P'));
}

// Blank lines between an item's blocks, never inside its fenced code nor around a table or after a
// quote (a table or a quote's paragraph would take in the next line; a table cannot interrupt a
// paragraph; an HTML table would take in what follows), unless the next line opens a block.
function withoutBlankLines(body: string): string {
  let fence: string | undefined;
  const lines = body.split('\n');
  return lines
    .filter((line, i) => {
      const match = FENCE.exec(line);
      const marker = match?.[1];
      if (
        marker &&
        (fence === undefined ||
          (marker[0] === fence[0] && marker.length >= fence.length && line.slice(match[0].length).trim() === ''))
      )
        fence = fence === undefined ? marker : undefined;
      if (fence !== undefined || line.trim() !== '') return true;
      const [before, after] = [afterMarkers(lines[i - 1] ?? ''), (lines[i + 1] ?? '').trimStart()];
      return (
        (before.startsWith('|') && inTable(lines, i - 1)) ||
        (before.startsWith('>') && !ENDS_QUOTE.test(after)) ||
        (after.startsWith('|') && DELIMITER_ROW.test(afterMarkers(lines[i + 2] ?? ''))) ||
        /<\/table>$/.test(before)
      );
    })
    .join('\n');
}

// A nested item's first line: its blocks start after the markers (`- - > quote`). Unambiguous: a
// marker follows only after white space.
const afterMarkers = (line: string): string => line.replace(/^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*/, '');

const DELIMITER_ROW = /^\|(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*$/;

// A line starting with `|` is a table row only under a delimiter row: a paragraph `|` needs no blank line.
function inTable(lines: readonly string[], i: number): boolean {
  let start = i;
  while (start > 0 && afterMarkers(lines[start - 1]!).startsWith('|')) start -= 1;
  return DELIMITER_ROW.test(afterMarkers(lines[start + 1] ?? ''));
}

// A list item (even `2.` or empty), a heading, a fence or a rule starts in the item, ending the quote
// before it: it is no lazy line of the quote's paragraph.
const ENDS_QUOTE = /^(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|#{1,6}(?:[ \t]|$)|`{3,}|~{3,}|(?:[-*_][ \t]*){3,}$)/;

export function insideListItem(node: DomNode): boolean {
  for (let parent = node.parentNode; parent; parent = parent.parentNode) if (parent.nodeName === 'LI') return true;
  return false;
}

// goldmark makes a task box of `[ ]` or `[x]` anywhere in an item's first paragraph or heading, not
// only at its start (GFM): written as text there, its `[` is escaped (and its `]` in a link's text,
// where it would end the text). The item's own box (an <input>, written first) stays; so do a
// URL's bracket (a backslash would end a bare URL) and an image's; a link reading `x` (goldmark makes
// a box of `[x](/u)` too) has its text written as a character reference.
const TASK_BOX = /(?<![\\!]|(?:\/\/|www\.)\S*)\[([\s xX])\]/g;
const NESTED_BLOCK = /^(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|>|`{3,}|~{3,}|\|)/;

function withoutTaskBoxes(body: string, node: DomNode): string {
  const lines = body.split('\n');
  let end = 0;
  while (end < lines.length && lines[end]!.trim() !== '' && !NESTED_BLOCK.test(lines[end]!)) end += 1;
  if (end === 0) return body;
  const first = lines.slice(0, end).join('\n');
  const own = hasOwnCheckbox(node) ? first.slice(0, 4) : '';
  const escaped = own + outsideCode(first.slice(own.length), (text) => text.replace(TASK_BOX, escapeBox));
  return [escaped, ...lines.slice(end)].join('\n');
}

function escapeBox(_box: string, mark: string, offset: number, text: string): string {
  if (/^[([]/.test(text.charAt(offset + 3))) return `[&#${mark.charCodeAt(0)};]`;
  return /^[^[]*\]\(/.test(text.slice(offset + 3)) ? `\\[${mark}\\]` : `\\[${mark}]`;
}

function hasOwnCheckbox(item: DomNode): boolean {
  const first = item.children[0]?.nodeName === 'P' ? item.children[0].children[0] : item.children[0];
  return first?.nodeName === 'INPUT';
}

// A list item's marker kind (its bullet, or its number's delimiter): the next item of a list has its
// kind, and the blank line before it makes that list loose, so it stays (goldmark: README).
const markerKind = (line: string): string | undefined =>
  /^(?:([-*+])|\d{1,9}([.)]))(?:[ \t]|$)/.exec(line)?.slice(1).join('');

const EMPTY_ITEM_LINE = /^(?:[ \t]*(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))+[ \t]*$/;

/**
 * An empty item's line and the item's next block with no blank line between: after an empty item
 * and a blank line goldmark ends the enclosing item too (CommonMark keeps it). Not where that blank
 * line is the only one that makes the item's single-item list loose (`lone`): then it stays.
 */
export function joinedAfterEmptyItems(body: string, lone: boolean): string {
  const lines = body.split('\n');
  // Blank lines (a run of them) between an empty item's line and a line of the item's own level.
  const joins = lines.map((line, i) => {
    if (line !== '') return false;
    let [before, after] = [i - 1, i + 1];
    while (lines[before] === '') before -= 1;
    while (lines[after] === '') after += 1;
    return (
      EMPTY_ITEM_LINE.test(lines[before] ?? 'x') &&
      /^\S/.test(lines[after] ?? '') &&
      markerKind(lines[after]!) !== markerKind(lines[before]!.trimStart())
    );
  });
  // A blank line before a table does not make goldmark's item loose (README): it does not count.
  if (lone && lines.every((line, i) => line !== '' || joins[i] || !/^[^\s|]/.test(lines[i + 1] ?? ''))) return body;
  return lines.filter((_line, i) => !joins[i]).join('\n');
}

/**
 * The item ends in an empty item and holds a blank line between blocks of its own (its list is loose
 * without the blank line after it): that blank line, which goldmark would end the enclosing item at,
 * is left out.
 */
function endsInEmptyItem(body: string): boolean {
  return EMPTY_ITEM_LINE.test(body.slice(body.lastIndexOf('\n') + 1)) && /\n\n\S/.test(body);
}
