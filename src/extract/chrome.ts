import { load } from 'cheerio/slim';
import type { AnyNode, Document, Element } from 'domhandler';
import { removeElement } from 'domutils';
import { CHROME_RULES, type ChromeRule } from './chrome-rules.js';
import { squash, textOf } from './dom.js';
import { compileQuery, isScoped, queryEach, type Query } from './select.js';

// Every selector of the table compiled once (on first use).
const QUERIES: ReadonlyMap<string, Query> = new Map(
  Object.values(CHROME_RULES)
    .flat()
    .map((rule) => [rule.selector, compileQuery(rule.selector)]),
);

/** A rule list's queries, and those to find in one walk: over a document, and under a scoped root (see removeChrome). */
interface RuleQueries {
  bySelector: ReadonlyMap<string, Query>;
  whole: readonly Query[];
  scoped: readonly Query[];
}

// Rule lists are the table's constants: prepared once per list.
const PREPARED = new WeakMap<readonly ChromeRule[], RuleQueries>();

function prepare(rules: readonly ChromeRule[]): RuleQueries {
  let prepared = PREPARED.get(rules);
  if (prepared === undefined) {
    const bySelector = new Map(
      rules.map((rule) => [rule.selector, QUERIES.get(rule.selector) ?? compileQuery(rule.selector)]),
    );
    // Rules that share a selector (the side boxes) share one query.
    const queries = [...new Set(bySelector.values())];
    prepared = { bySelector, whole: queries, scoped: queries.filter((query) => !query.looksUp) };
    PREPARED.set(rules, prepared);
  }
  return prepared;
}

/**
 * Removes the chrome matched by `rules`, within `scope` (or the whole document), adding to
 * `counts` how many elements each rule removed. Mutates the document: the one place that does.
 */
export function removeChrome(
  document: Document,
  rules: readonly ChromeRule[],
  counts: Record<string, number>,
  scope?: Element,
): void {
  const root = scope ?? document;
  const { bySelector: queries, whole, scoped } = prepare(rules);
  // The elements each rule's query matches, found in one walk before any removal. Removal only
  // detaches elements and can only make a `:has()` fail, so those still attached and still matching
  // are what a query at the rule's turn would find. A scoped query that looks up (see queryAll) is
  // left out of the walk: cheerio runs it at the rule's turn.
  const walked = queryEach(isScoped(root) ? scoped : whole, root);
  // An element's text is read once, until something inside it is removed.
  const queried = new Map<string, Element[]>();
  const texts = new Map<Element, string>();
  for (const rule of rules) {
    const query = queries.get(rule.selector)!;
    const early = walked.get(query);
    let candidates = early ?? queried.get(rule.selector);
    if (!candidates) queried.set(rule.selector, (candidates = scopedFind(document, root, rule.selector)));
    let removed = 0;
    for (const element of candidates) {
      // A candidate inside chrome removed a moment ago is gone already: do not count it twice.
      if (!isAttached(element, scope)) continue;
      // Found before earlier rules removed anything: a `:has()` may no longer hold.
      if (early && query.looksDown && !query.test(element)) continue;
      if (rule.text) {
        let text = texts.get(element);
        if (text === undefined) texts.set(element, (text = squash(textOf(element))));
        if (!rule.text.test(text)) continue;
      }
      for (let above = element.parent; above; above = above.parent) texts.delete(above as Element);
      removeElement(element);
      removed += 1;
    }
    counts[rule.id] = (counts[rule.id] ?? 0) + removed;
  }
}

// Cheerio's `$(root).find(selector)`: a selector that looks up, on an attached element, is scoped there.
function scopedFind(document: Document, root: AnyNode, selector: string): Element[] {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- cheerio types what find() gives as any node; a selector matches elements only
  return load(document)(root).find(selector).toArray() as Element[];
}

// Attached: still reaches the document root, or the scope (which may itself be set aside).
function isAttached(node: AnyNode, scope: AnyNode | undefined): boolean {
  let current: AnyNode = node;
  while (current.parent && current !== scope) current = current.parent;
  return current === scope || current.type === 'root';
}
