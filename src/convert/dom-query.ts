// The element searches of the DOM view (dom.ts): getElementsByTagName and the few selectors
// turndown, its GFM plugin and the site rules ask querySelector and querySelectorAll for.
import { ELEMENT } from './dom-constants.js';
import type { DomNode } from './dom.js';

/** Descendant elements that pass `test`, in document order, at most `limit`. */
export function descendants(root: DomNode, test: (element: DomNode) => boolean, limit = Infinity): DomNode[] {
  const found: DomNode[] = [];
  let node = root.firstChild;
  while (node && found.length < limit) {
    if (node.nodeType === ELEMENT && test(node)) found.push(node);
    if (node.firstChild) {
      node = node.firstChild;
      continue;
    }
    while (node && node !== root && !node.nextSibling) node = node.parentNode;
    node = node === root || !node ? null : node.nextSibling;
  }
  return found;
}

// A type selector matches the lower-cased node name, whatever the namespace (as domino's did).
export function typeSelector(selector: string): (element: DomNode) => boolean {
  if (!/^(?:\*|[A-Za-z][\w-]*)$/.test(selector))
    throw new Error(`unsupported selector ${JSON.stringify(selector)}: only a tag name or *`);
  const type = selector.toLowerCase();
  return type === '*' ? () => true : (element) => element.nodeName.toLowerCase() === type;
}
