// What the view needs before turndown walks it. Turndown converts an element's children before it
// looks at the element, so a removed element's content is still converted (a `<td>` inside an
// `<svg>` reached the GFM plugin's cell rule and threw): removed elements go first, here.
import { ELEMENT, HTML_NS, TEXT } from './dom-constants.js';
import { DomNode } from './dom.js';

/** Elements dropped with their content: active or interactive content, never text. */
export const REMOVED_ELEMENTS = ['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'applet', 'form', 'input', 'button', 'select', 'textarea', 'svg', 'canvas'] as const;
const REMOVED = new Set<string>(REMOVED_ELEMENTS);

/** The element a literal `!` right before a link becomes (rules.ts writes it `\!`). */
export const BANG = 'X-CABSYNC-BANG';

/** Drops removed elements (a task list's checkbox stays) and marks a `!` that would make the next link an image. */
export function prepareView(root: DomNode): DomNode {
  let node = root.firstChild;
  while (node) {
    let next = following(node, root, true);
    if (node.nodeType === ELEMENT && REMOVED.has(node.localName) && !isTaskBox(node)) {
      next = following(node, root, false);
      node.remove();
    } else if (node.nodeType === TEXT && node.data.endsWith('!') && isLink(node.nextSibling)) {
      node.data = node.data.slice(0, -1);
      const bang = DomNode.element(BANG.toLowerCase(), HTML_NS, {});
      bang.appendChild(DomNode.text('!'));
      node.parentNode!.insertBefore(bang, node.nextSibling!);
      next = following(bang, root, false);
      if (node.data === '') node.remove();
    }
    node = next;
  }
  return root;
}

const isTaskBox = (node: DomNode): boolean => node.localName === 'input' && node.getAttribute('type') === 'checkbox';
const isLink = (node: DomNode | null): boolean => node?.nodeName === 'A' && node.getAttribute('href') !== null;

// The next node in document order, into `node`'s children or not.
function following(node: DomNode, root: DomNode, descend: boolean): DomNode | null {
  if (descend && node.firstChild) return node.firstChild;
  let current: DomNode | null = node;
  while (current && current !== root && !current.nextSibling) current = current.parentNode;
  return current && current !== root ? current.nextSibling : null;
}
