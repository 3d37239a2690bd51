/**
 * Post identity: what URL a post has on the site, how two URLs are compared, what day a path says,
 * and what kind of page a fetched document is. Every stage asks here; none has rules of its own.
 */
export { decodePath, isFilePath, isOnSite, normalizeUrl, pathKey, resolveHref, urlPath, type PathKey } from './url.js';
export { flatSlug, permalinkPath, urlize } from './hugo.js';
export { dayOfPath, dayOfUrl, isPermalinkShaped } from './post-path.js';
export {
  isListingSectionPath,
  isPostListingPath,
  isSiteRoot,
  isTaxonomyIndexPath,
  isTaxonomyPath,
} from './sections.js';
export { sitePage, type SitePage } from './page.js';
export {
  classifyPage,
  redirectTarget,
  PAGE_KIND_RULES,
  type PageFacts,
  type PageKind,
  type PageKindRule,
} from './page-kind.js';
export { conventionalOldPaths, revealedAliases } from './aliases.js';
