// List markers. Two lists in a row written with the same marker are one list in Markdown (CommonMark
// §5.3: a list ends at a change of bullet character or of ordered delimiter), so a list right after
// another of its kind takes the other marker, as mdast-util-to-markdown's join does.
import type { DomNode } from './dom.js';

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
