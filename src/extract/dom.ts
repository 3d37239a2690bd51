import { Text, type AnyNode, type Element, type ParentNode } from 'domhandler';
import { appendChild } from 'domutils';

/**
 * Deepest element nesting kept. Real posts nest a few dozen levels; anything deeper is flattened to
 * its text so that recursive code downstream (serializer, turndown) cannot overflow the stack.
 */
export const MAX_DEPTH = 200;

const TAG = /<(\/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(\/?)>/g;

/**
 * The deepest nesting of elements, by one linear scan of the tags (no tree is built): cheap enough
 * to run before any parser. Elements in `uncounted` (void ones, those with optional end tags) and
 * self-closed tags are skipped; a stray end tag never takes the depth below zero.
 */
export function tagDepth(html: string, uncounted: ReadonlySet<string>): number {
  let depth = 0;
  let deepest = 0;
  for (const [, closing, name, selfClosing] of html.matchAll(TAG)) {
    if (uncounted.has(name!.toLowerCase()) || selfClosing) continue;
    depth = closing ? Math.max(0, depth - 1) : depth + 1;
    if (depth > deepest) deepest = depth;
  }
  return deepest;
}

const hasChildren = (node: AnyNode): node is ParentNode & AnyNode => 'children' in node && Array.isArray(node.children);

/**
 * Text of a node and its descendants, without recursion (comments, scripts and styles skipped;
 * with `scripts`, scripts and styles read too, as cheerio's `.text()` reads them).
 * With `atLeast`, the walk stops once that many characters are read: the text's start, or all of it.
 */
export function textOf(node: AnyNode, atLeast = Infinity, { scripts = false } = {}): string {
  const parts: string[] = [];
  const stack: AnyNode[] = [node];
  let length = 0;
  while (stack.length > 0 && length < atLeast) {
    const current = stack.pop()!;
    if (current.type === 'text') {
      const { data } = current;
      parts.push(data);
      length += data.length;
    } else if (
      (current.type === 'tag' ||
        current.type === 'root' ||
        (scripts && (current.type === 'script' || current.type === 'style'))) &&
      hasChildren(current)
    ) {
      for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i]!);
    }
  }
  return parts.join('');
}

/** Collapses whitespace and trims: the form text patterns are matched against. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** True when a node or its descendants hold any non-whitespace text (stops at the first). */
export function hasText(node: AnyNode): boolean {
  const stack: AnyNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.type === 'text' && /\S/.test(current.data)) return true;
    if ((current.type === 'tag' || current.type === 'root') && hasChildren(current))
      for (const child of current.children) stack.push(child);
  }
  return false;
}

/**
 * Replaces the children of every element at `maxDepth` with one text node holding their text, and
 * shows every element to `visit` (so the extractor finds landmarks in this same walk).
 * One iterative walk; returns how many elements were flattened.
 */
export function limitDepth(root: AnyNode, maxDepth = MAX_DEPTH, visit?: (element: Element) => void): number {
  let flattened = 0;
  // Nodes and their depths on two stacks: a pair per node would be garbage on every page.
  const nodes: AnyNode[] = [root];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (visit && node.type === 'tag') visit(node);
    if (!hasChildren(node) || node.children.length === 0) continue;
    if (depth >= maxDepth && node.type === 'tag') {
      replaceWithText(node);
      flattened += 1;
      continue;
    }
    // Pushed in reverse so elements are visited in document order.
    for (let i = node.children.length - 1; i >= 0; i--) {
      nodes.push(node.children[i]!);
      depths.push(depth + 1);
    }
  }
  return flattened;
}

// What cheerio's `.text(value)` does: the children are let go, one text node holds their text.
function replaceWithText(element: ParentNode): void {
  const text = new Text(textOf(element));
  for (const child of element.children) child.parent = child.prev = child.next = null;
  element.children = [];
  appendChild(element, text);
}
