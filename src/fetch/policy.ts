/**
 * What the crawler refuses to request, whoever asks (discovery, the pipeline, a redirect).
 * Links to these stay links in the Markdown; they are just never downloaded.
 */
const REFUSALS: readonly { refuse: (url: URL, site: URL) => boolean; reason: string }[] = [
  { refuse: (url) => url.protocol !== 'http:' && url.protocol !== 'https:', reason: 'not an http(s) URL' },
  { refuse: (url, site) => url.host.toLowerCase() !== site.host.toLowerCase(), reason: 'off the configured host' },
  { refuse: (url) => url.pathname.startsWith('/uploads/'), reason: 'an upload (PDFs and attachments are not mirrored)' },
  { refuse: (url) => BINARY_EXTENSION.test(url.pathname), reason: 'not an HTML or XML page (file extension)' },
];

const BINARY_EXTENSION = /\.(pdf|docx?|xlsx?|pptx?|zip|tar|tgz|png|jpe?g|gif|svg|webp|ico|mp4|mp3|css|js|woff2?|ttf)$/i;

/** Why `url` must not be requested, or `undefined` when it may be. */
export function refusalReason(url: URL, site: URL): string | undefined {
  return REFUSALS.find((rule) => rule.refuse(url, site))?.reason;
}
