// Tables: which can be GFM pipe tables, and the clean HTML of those that cannot.
import { absoluteUrl, isUnsafeUrl } from './escape.js';
import type { DomElement } from './rules.js';

/** True for the only cell of a table (the GFM plugin renders such a table as plain content). */
export function isLoneCell(cell: DomElement): boolean {
  const table = closestTable(cell);
  return !table || table.querySelectorAll('td, th').length <= 1;
}

function closestTable(node: DomElement): DomElement | null {
  let current = node.parentNode;
  while (current && current.nodeName !== 'TABLE') current = current.parentNode;
  return current;
}

const BLOCKS_IN_CELLS = 'ul, ol, h1, h2, h3, h4, h5, h6, hr, blockquote, pre, table, dl';

/** False when a table has block content or row/column spans: a pipe table would mangle it. */
export function canBePipeTable(table: DomElement): boolean {
  if (table.querySelector(BLOCKS_IN_CELLS)) return false;
  return Array.from(table.querySelectorAll('[rowspan], [colspan]')).every(
    (cell) => Number(cell.getAttribute('rowspan') ?? '1') <= 1 && Number(cell.getAttribute('colspan') ?? '1') <= 1,
  );
}

const KEPT_ATTRIBUTES = new Set(['href', 'src', 'alt', 'title', 'colspan', 'rowspan', 'align', 'scope']);

/**
 * An HTML table goes into the archive verbatim: only harmless attributes, absolute URLs, no blank
 * lines. Cleans the node in place (turndown is done with it; cloning throws on odd tag names).
 */
export function cleanTableHtml(table: DomElement, baseUrl: string, removed: readonly string[]): string {
  for (const element of [table, ...Array.from(table.querySelectorAll('*'))]) {
    if (removed.includes(element.nodeName.toLowerCase())) {
      element.remove();
      continue;
    }
    for (const { name, value } of Array.from(element.attributes)) {
      if (!KEPT_ATTRIBUTES.has(name) || ((name === 'href' || name === 'src') && isUnsafeUrl(value))) element.removeAttribute(name);
      else if (name === 'href' || name === 'src') element.setAttribute(name, absoluteUrl(value, baseUrl));
    }
  }
  return table.outerHTML.replace(/\n[ \t]*(?=\n)/g, '').replace(/\n{2,}/g, '\n');
}
