/**
 * The sections of the site that are Hugo's own listings, never posts: the posts section and the
 * taxonomies. Every rule that asks "listing or taxonomy path?" asks here.
 */
const TAXONOMIES = ['tags', 'author', 'authors', 'series', 'categories'];
const POSTS = 'posts';

const TAXONOMY_PATH = new RegExp(`^/(?:${TAXONOMIES.join('|')})/`);
const TAXONOMY_INDEX_PATH = new RegExp(`^/(?:${TAXONOMIES.join('|')})/$`);
const POST_LISTING_PATH = new RegExp(`^/${POSTS}/(?:page/\\d+/)?$`);
const LISTING_SECTION_PATH = new RegExp(`^/(?:${[POSTS, ...TAXONOMIES].join('|')})(?:/[^/]+)*/?$`);

/** `/tags/`, `/tags/<tag>/`, `/author/<name>/page/2/`: a taxonomy page (or a link to one). */
export function isTaxonomyPath(path: string): boolean {
  return TAXONOMY_PATH.test(path);
}

/** `/tags/`, `/author/`: the index of one taxonomy. */
export function isTaxonomyIndexPath(path: string): boolean {
  return TAXONOMY_INDEX_PATH.test(path);
}

/** `/posts/` and its `/posts/page/N/`: the listing of every post. */
export function isPostListingPath(path: string): boolean {
  return POST_LISTING_PATH.test(path);
}

/** Anything in the posts section or a taxonomy, at any depth: where listing pages live. */
export function isListingSectionPath(path: string): boolean {
  return LISTING_SECTION_PATH.test(path);
}

/** The home page: never a post, never an alias. */
export function isSiteRoot(path: string): boolean {
  return path === '/';
}
