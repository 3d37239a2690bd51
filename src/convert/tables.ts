// Tables: GFM pipe tables in one pass over the rows (the plugin's row and table rules rescan every
// row for every column, quadratic on the forum's long vote tables), and clean HTML for the rest.
import { absoluteUrl, isUnsafeUrl } from './escape.js';
import { DomNode } from './dom.js';
import { MARK } from './prepare.js';

/** False for a row or cell outside any table (inside SVG or MathML, where the parser leaves them). */
export function inTable(node: DomNode): boolean {
  return closestTable(node) !== null;
}

function closestTable(node: DomNode): DomNode | null {
  let current = node.parentNode;
  while (current && current.nodeName !== 'TABLE') current = current.parentNode;
  return current;
}

const BLOCKS_IN_CELLS = new Set([
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'blockquote',
  'pre',
  'table',
  'dl',
]);

// Matched as a type selector matches (lower-cased nodeName).
const isBlock = (element: DomNode): boolean => BLOCKS_IN_CELLS.has(element.nodeName.toLowerCase());
const spans = (element: DomNode): boolean =>
  !(Number(element.getAttribute('rowspan') ?? '1') <= 1 && Number(element.getAttribute('colspan') ?? '1') <= 1);

/** False when a table has no heading row, block content or row/column spans: a pipe table would change it. */
export function canBePipeTable(table: DomNode): boolean {
  const first = findBelow(table, (element) => element.nodeName === 'TR');
  // A pipe table always has a heading row: one without would render with an empty one.
  return (
    first !== undefined &&
    isHeadingRow(first) &&
    findBelow(table, (element) => isBlock(element) || spans(element)) === undefined
  );
}

/** The first cell of a table, as `querySelector('td, th')` finds it. */
export function firstCell(table: DomNode): DomNode | undefined {
  return findBelow(table, (element) => {
    const name = element.nodeName.toLowerCase();
    return name === 'td' || name === 'th';
  });
}

/**
 * The first element below `node`, in document order, that passes `test`: `querySelector` without
 * a search per part of a selector list.
 */
export function findBelow(node: DomNode, test: (element: DomNode) => boolean): DomNode | undefined {
  let current = node.firstChild;
  while (current) {
    if (current.nodeType === 1 && test(current)) return current;
    if (current.firstChild) {
      current = current.firstChild;
      continue;
    }
    while (current !== node && !current.nextSibling) current = current.parentNode!;
    if (current === node) return undefined;
    current = current.nextSibling;
  }
  return undefined;
}

const KEPT_ATTRIBUTES = new Set(['href', 'src', 'alt', 'title', 'colspan', 'rowspan', 'align', 'scope']);

/**
 * An HTML table goes into the archive verbatim: only harmless attributes, absolute URLs, no blank
 * lines. Cleans the node in place (turndown is done with it; cloning throws on odd tag names).
 */
export function cleanTableHtml(table: DomNode, baseUrl: string, removed: readonly string[]): string {
  for (const element of [table, ...Array.from(table.querySelectorAll('*'))]) {
    if (removed.includes(element.nodeName.toLowerCase())) {
      element.remove();
      continue;
    }
    // HTML needs none of the Markdown escapes: a marked character goes back to plain text.
    if (element.nodeName === MARK) {
      element.parentNode!.insertBefore(DomNode.text(element.textContent), element);
      element.remove();
      continue;
    }
    for (const { name, value } of Array.from(element.attributes)) {
      if (!KEPT_ATTRIBUTES.has(name) || ((name === 'href' || name === 'src') && isUnsafeUrl(value)))
        element.removeAttribute(name);
      else if (name === 'href' || name === 'src') element.setAttribute(name, absoluteUrl(value, baseUrl));
    }
  }
  return table.outerHTML.replace(/\n[ \t]*(?=\n)/g, '').replace(/\n{2,}/g, '\n');
}

const ALIGN_BORDER: Record<string, string> = { left: ':---', center: ':---:', right: '---:' };

/** True for a pipe table's heading row: in THEAD, or a first row of TH cells. */
export function isHeadingRow(row: DomNode): boolean {
  const section = row.parentNode;
  if (section?.nodeName === 'THEAD') return true;
  // Cheapest test first: most rows are not their section's first.
  if (section?.children[0] !== row) return false;
  const first =
    section.nodeName === 'TABLE' || (section.nodeName === 'TBODY' && !section.previousSibling?.textContent?.trim());
  return first && Array.from(row.children).every((cell) => cell.nodeName === 'TH');
}

/** The delimiter row under a heading row, aligned as its cells (goldmark sets `text-align` on every cell). */
export function delimiterRow(row: DomNode): string {
  const table = closestTable(row);
  const cells = Array.from(row.children);
  const columns = Math.max(cells.length, table ? columnCount(table) : 0);
  const borders = Array.from({ length: columns }, (_, i) => ALIGN_BORDER[alignment(cells[i])] ?? '---');
  return `| ${borders.join(' | ')} |`;
}

/** A pipe table without a heading row gets an empty one: GFM needs it. */
export function emptyHeading(table: DomNode): string {
  const columns = columnCount(table);
  return `|${'  |'.repeat(columns)}\n| ${Array.from({ length: columns }, () => '---').join(' | ')} |`;
}

function columnCount(table: DomNode): number {
  return Math.max(0, ...Array.from(table.querySelectorAll('tr'), (row) => row.children.length));
}

function alignment(cell: DomNode | undefined): string {
  const style = /text-align:\s*(left|center|right)/i.exec(cell?.getAttribute('style') ?? '')?.[1];
  return (style ?? cell?.getAttribute('align') ?? '').toLowerCase();
}
