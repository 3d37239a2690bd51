/** A post page in the site's layout (fixtures/hugo/layouts/_default/single.html) around `body` (what extractPage reads as a post). */
export function postPage(body: string, title = 'A post'): string {
  return `<!doctype html><html><head><title>${title}</title><meta property="og:type" content="article"><meta property="article:published_time" content="2024-01-02T00:00:00+00:00"></head><body><header>site</header><div id="content"><div class="border-bottom mb-2"><h1>${title}</h1></div><div class="pt-3">\n${body}\n</div></div><footer>footer</footer></body></html>`;
}
