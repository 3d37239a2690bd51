import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { ChromeRule } from './chrome-rules.js';
import { squash, textOf } from './dom.js';

/**
 * Removes the chrome matched by `rules`, within `scope` (or the whole document), adding to
 * `counts` how many elements each rule removed. Mutates the document: the one place that does.
 */
export function removeChrome($: CheerioAPI, rules: readonly ChromeRule[], counts: Record<string, number>, scope?: Cheerio<AnyNode>): void {
  // Rules that share a selector (the side boxes) share one query, and an element's text is read once.
  const queries = new Map<string, Element[]>();
  const texts = new Map<Element, string>();
  for (const rule of rules) {
    let candidates = queries.get(rule.selector);
    if (!candidates) {
      candidates = (scope ? scope.find(rule.selector) : $(rule.selector)).toArray() as Element[];
      queries.set(rule.selector, candidates);
    }
    let removed = 0;
    for (const element of candidates) {
      // A candidate inside chrome removed a moment ago is gone already: do not count it twice.
      if (!isAttached(element, scope?.[0])) continue;
      if (rule.text) {
        let text = texts.get(element);
        if (text === undefined) texts.set(element, (text = squash(textOf(element))));
        if (!rule.text.test(text)) continue;
      }
      $(element).remove();
      removed += 1;
    }
    counts[rule.id] = (counts[rule.id] ?? 0) + removed;
  }
}

// Attached: still reaches the document root, or the scope (which may itself be set aside).
function isAttached(node: AnyNode, scope: AnyNode | undefined): boolean {
  let current: AnyNode = node;
  while (current.parent && current !== scope) current = current.parent;
  return current === scope || current.type === 'root';
}
