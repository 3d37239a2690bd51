import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { CHROME_RULES, type ChromeRule } from './chrome-rules.js';
import { squash, textOf } from './dom.js';
import { compileQuery, isScoped, queryEach, type Query } from './select.js';

// Every selector of the table compiled once (on first use).
const QUERIES: ReadonlyMap<string, Query> = new Map(
  Object.values(CHROME_RULES)
    .flat()
    .map((rule) => [rule.selector, compileQuery(rule.selector)]),
);

/**
 * Removes the chrome matched by `rules`, within `scope` (or the whole document), adding to
 * `counts` how many elements each rule removed. Mutates the document: the one place that does.
 */
export function removeChrome($: CheerioAPI, rules: readonly ChromeRule[], counts: Record<string, number>, scope?: Cheerio<AnyNode>): void {
  const root = scope?.[0] ?? $.root()[0]!;
  const queries = new Map(rules.map((rule) => [rule.selector, QUERIES.get(rule.selector) ?? compileQuery(rule.selector)]));
  const walked = walkCandidates([...new Set(queries.values())], root);
  // Rules that share a selector (the side boxes) share one query, and an element's text is read once.
  const queried = new Map<string, Element[]>();
  const texts = new Map<Element, string>();
  for (const rule of rules) {
    const query = queries.get(rule.selector)!;
    const early = walked.get(query);
    let candidates = early ?? queried.get(rule.selector);
    if (!candidates) queried.set(rule.selector, (candidates = $(root).find(rule.selector).toArray() as Element[]));
    let removed = 0;
    for (const element of candidates) {
      // A candidate inside chrome removed a moment ago is gone already: do not count it twice.
      if (!isAttached(element, scope?.[0])) continue;
      // Found before earlier rules removed anything: a `:has()` may no longer hold.
      if (early && !query.test(element)) continue;
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

// The elements each rule's query matches, found in one walk before any removal. Removal only
// detaches elements and can only make a `:has()` fail, so those still attached and still matching
// are what a query at the rule's turn would find. A scoped query that looks up (see queryAll) is
// left out: cheerio runs it at the rule's turn.
function walkCandidates(queries: readonly Query[], root: AnyNode): Map<Query, Element[]> {
  const scoped = isScoped(root);
  return queryEach(queries.filter((query) => !(scoped && query.looksUp)), root);
}

// Attached: still reaches the document root, or the scope (which may itself be set aside).
function isAttached(node: AnyNode, scope: AnyNode | undefined): boolean {
  let current: AnyNode = node;
  while (current.parent && current !== scope) current = current.parent;
  return current === scope || current.type === 'root';
}
