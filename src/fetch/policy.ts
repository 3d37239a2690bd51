import { isOnSite } from '../site/index.js';

/** What a request is for: a page (HTML, XML, robots.txt) or a file a post links (`--attachments`). */
export type Purpose = 'page' | 'file';

/**
 * What the crawler refuses to request, whoever asks (discovery, the pipeline, a redirect).
 * Rules marked `pages` hold for page requests only: a file is fetched as a file, and only on purpose
 * (`getFile`, for `--attachments`); everywhere else links to files stay links, never downloaded.
 */
const REFUSALS: readonly { refuse: (url: URL, site: URL) => boolean; reason: string; pages?: true }[] = [
  { refuse: (url) => url.protocol !== 'http:' && url.protocol !== 'https:', reason: 'not an http(s) URL' },
  { refuse: (url, site) => !isOnSite(url, site), reason: 'off the configured host' },
  {
    refuse: (url) => url.pathname.startsWith('/uploads/'),
    reason: 'an upload (PDFs and attachments are not mirrored)',
    pages: true,
  },
  {
    refuse: (url) => BINARY_EXTENSION.test(url.pathname),
    reason: 'not an HTML or XML page (file extension)',
    pages: true,
  },
];

const BINARY_EXTENSION = /\.(pdf|docx?|xlsx?|pptx?|zip|tar|tgz|png|jpe?g|gif|svg|webp|ico|mp4|mp3|css|js|woff2?|ttf)$/i;

/** Why `url` must not be requested for `purpose`, or `undefined` when it may be. */
export function refusalReason(url: URL, site: URL, purpose: Purpose = 'page'): string | undefined {
  return REFUSALS.find((rule) => (purpose === 'page' || !rule.pages) && rule.refuse(url, site))?.reason;
}
