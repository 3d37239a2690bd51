// Builds the DOM view (dom.ts) of a parsed body: as it is, or as it would read after being
// serialized and parsed again, which is how bodies were converted before.
import type { AnyNode, ParentNode } from 'domhandler';
import { HTML_NS, TEXT } from './dom-constants.js';
import { DomNode } from './dom.js';
import { isRemoved, MARK, markAfter, markBefore } from './prepare.js';
import { reparsesAsIs, reparsesElsewhere } from './reparse.js';

/** Elements whose leading newline the HTML parser drops: a body that went through HTML text lost it. */
const DROPS_LEADING_NEWLINE = new Set(['pre', 'textarea', 'listing']);

/**
 * {@link domView} answering as the body would after being serialized and parsed again, which is
 * how it was converted before (so the Markdown stays the same bytes): adjacent text nodes read as
 * one, and a `pre`'s leading newline is dropped. Undefined when the body would not parse back to
 * the same tree (see REPARSES_OTHERWISE, reparsesElsewhere): convert its HTML instead.
 */
export function reparsedView(root: ParentNode): DomNode | undefined {
  return reparsesAsIs(root) ? build(root, true) : undefined;
}

/**
 * The children of `root` (a domhandler node) under one root element, as a DOM tree of their own:
 * turndown changes what it walks, the parsed page stays as it was.
 */
export function domView(root: ParentNode): DomNode {
  return build(root, false)!;
}

// One iterative pass; undefined only `asReparsed`, for a tree that would not parse back.
function build(root: ParentNode, asReparsed: boolean): DomNode | undefined {
  const top = DomNode.element('x-turndown', HTML_NS, { id: 'turndown-root' });
  const stack: Array<{ source: readonly AnyNode[]; index: number; target: DomNode; pending: string }> = [
    { source: root.children, index: 0, target: top, pending: '' },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const node = frame.source[frame.index++];
    if (node?.type === 'text') {
      // Adjacent text nodes (left by chrome removal) are one text node once serialized and parsed again.
      if (asReparsed) frame.pending += node.data;
      else if (node.data !== '') appendText(frame.target, node.data);
      continue;
    }
    if (frame.pending !== '') appendText(frame.target, frame.pending);
    frame.pending = '';
    if (node === undefined) {
      stack.pop();
      if (asReparsed) dropLeadingNewline(frame.target);
      continue;
    }
    if (node.type === 'comment') frame.target.appendChild(DomNode.comment(node.data));
    else if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
      const element = node;
      const namespace = element.namespace ?? HTML_NS;
      const html = namespace === HTML_NS;
      if (asReparsed && html && reparsesElsewhere(element.name, frame.target)) return undefined;
      if (isRemoved(element.name, element.attribs)) continue;
      const written = html ? markBefore(frame.target, element.name, element.attribs) : undefined;
      if (written) markLast(frame.target, written);
      const child = frame.target.appendChild(DomNode.element(element.name, namespace, element.attribs));
      // A template's content is not among its children in the DOM.
      if (!(html && element.name === 'template'))
        stack.push({ source: element.children, index: 0, target: child, pending: '' });
    }
  }
  return top;
}

// Text after an element: its first character marked when it must be written escaped (prepare.ts).
function appendText(parent: DomNode, data: string): void {
  const written = markAfter(parent, data);
  if (written) parent.appendChild(mark(data[0]!, written));
  const rest = written ? data.slice(1) : data;
  if (rest !== '') parent.appendChild(DomNode.text(rest));
}

// The last character of `parent`'s last child (a text node), marked: written escaped (prepare.ts).
function markLast(parent: DomNode, written: string): void {
  const text = parent.lastChild!;
  const char = text.data.slice(-1);
  text.data = text.data.slice(0, -1);
  if (text.data === '') text.remove();
  parent.appendChild(mark(char, written));
}

function mark(char: string, written: string): DomNode {
  const element = DomNode.element(MARK.toLowerCase(), HTML_NS, { written });
  element.appendChild(DomNode.text(char));
  return element;
}

function dropLeadingNewline(element: DomNode): void {
  const first = element.firstChild;
  if (
    !element.isIn('html') ||
    !DROPS_LEADING_NEWLINE.has(element.localName) ||
    first?.nodeType !== TEXT ||
    !first.data.startsWith('\n')
  )
    return;
  first.data = first.data.slice(1);
  if (first.data === '') first.remove();
}
