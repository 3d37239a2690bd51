import { compile, selectAll, selectOne } from 'css-select';
import type { AnyNode, Element } from 'domhandler';

/**
 * A CSS selector compiled once. `$(selector)` and `.find(selector)` parse and compile the
 * selector on every call, which cost more than the queries themselves on every page.
 */
export interface Query {
  selector: string;
  /** Same elements, same order as cheerio's `.find(selector)`, but see {@link queryAll}. */
  test: (element: Element) => boolean;
  /** True when the selector has a combinator outside `:has()`: its match can depend on ancestors. */
  looksUp: boolean;
  /** Tag names a match can have, when every alternative names one (`nav, aside > div`); else undefined. */
  tags?: ReadonlySet<string>;
}

// A combinator outside parentheses: ` `, `>`, `+`, `~` between compounds (a `,` list is not one).
const COMBINATOR = /[\s>+~]/;
const TAG_NAME = /^[A-Za-z][\w-]*/;

/** Compiles `selector` (css-select, the engine cheerio uses, with cheerio's HTML options). */
export function compileQuery(selector: string): Query {
  const alternatives = outline(selector).split(',').map((part) => part.trim());
  // The subject is the last compound; its tag name, if it names one (HTML names compare lower-cased).
  const subjects = alternatives.map((part) => TAG_NAME.exec(part.split(COMBINATOR).pop()!)?.[0]?.toLowerCase());
  return {
    selector,
    test: compile<AnyNode, Element>(selector, { xmlMode: false }),
    looksUp: alternatives.some((part) => COMBINATOR.test(part)),
    ...(subjects.every((tag) => tag !== undefined) && { tags: new Set(subjects) }),
  };
}

// The selector without quoted strings and the insides of `[…]` and `(…)`: what is left is compounds and combinators.
function outline(selector: string): string {
  let text = selector.replace(/"[^"]*"|'[^']*'/g, '""').replace(/\[[^\]]*\]/g, '[]');
  for (let inner = text.replace(/\([^()]*\)/g, ''); inner !== text; inner = text.replace(/\([^()]*\)/g, '')) text = inner;
  return text;
}

/**
 * Elements below `root` (not `root` itself) that match, in document order. Exactly cheerio's
 * `$(root).find(selector)` when `root` is the document, is detached, or the selector does not look
 * up: cheerio scopes a query on an attached element (`:scope` semantics), so there a selector that
 * looks up must go through cheerio.
 */
export function queryAll(query: Query, root: AnyNode): Element[] {
  return selectAll(query.test, root);
}

/**
 * {@link queryAll} for several queries in one walk: each query's elements, in document order.
 * Walking once costs less than one walk per query.
 */
export function queryEach(queries: readonly Query[], root: AnyNode): Map<Query, Element[]> {
  const found = new Map<Query, Element[]>(queries.map((query) => [query, []]));
  // Only the queries that can match an element's tag name are tried on it.
  const anyTag = queries.filter((query) => query.tags === undefined);
  const byTag = new Map<string, Query[]>();
  for (const query of queries) for (const tag of query.tags ?? []) byTag.set(tag, [...(byTag.get(tag) ?? anyTag), query]);
  selectAll((element: Element) => {
    for (const query of byTag.get(element.name) ?? anyTag) if (query.test(element)) found.get(query)!.push(element);
    return false;
  }, root);
  return found;
}

/** The first element {@link queryAll} would give, or undefined. */
export function queryOne(query: Query, root: AnyNode): Element | undefined {
  return selectOne(query.test, root) ?? undefined;
}

const ELEMENT_TYPES = new Set<string>(['tag', 'script', 'style']);

/** True when cheerio would scope a query on `root`: an element attached under another element. */
export function isScoped(root: AnyNode): boolean {
  return root.parent !== null && ELEMENT_TYPES.has(root.type) && ELEMENT_TYPES.has(root.parent.type);
}
