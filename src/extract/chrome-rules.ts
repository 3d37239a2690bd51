/**
 * Chrome: everything on a cabforum.org page that is not the post. One table, grouped by where the
 * chrome lives on the page (docs/design.md, "Chrome", shows the table). The extractor only interprets it:
 * for each rule, the elements matching `selector` (and, when given, whose trimmed text matches
 * `text`) are removed, and the count is reported under the rule's `id`.
 *
 * Order matters within a group: specific rules come before the containers that hold them, so a
 * page's counts say which pieces were seen.
 */

/** One piece of chrome. */
export interface ChromeRule {
  /** Stable id, used in `chromeRemoved` counts, layout health (src/health/rules.ts) and docs/design.md. */
  id: string;
  /** CSS selector (cheerio) of the candidate elements. */
  selector: string;
  /** When set, a candidate is chrome only if its whitespace-collapsed text matches. */
  text?: RegExp;
  /** What the piece of chrome is. */
  what: string;
  /** Why it must not reach the archive. */
  why: string;
}

/**
 * Where chrome lives. The header, side and footer rules run on the page around the body (with the
 * site layout's `#content` set aside first), and inside the body when chrome was pulled into it;
 * `body` rules run inside the chosen body.
 */
export type ChromeRegion = 'header' | 'side' | 'footer' | 'body';

// Boxes of the side column: `.mb-4` blocks on the live site, cards on some builds, `aside` blocks elsewhere.
// Selectors do not start from `main`: inside the body (where broken markup can pull chrome) a scoped
// query only sees descendants of the body. Any depth below the column, not only its children: markup that
// pulls the column into the body can also wrap its boxes in a formatting element (`<i>` reopened by the
// parser); the outermost box with the heading's text goes, the boxes inside it with it.
const SIDE_BOXES = '.col div, aside div, aside section, aside.widget';
// Text that belongs to chrome whatever the markup around it (older layouts, hand-made mirrors).
const ABOUT_SENTENCE = /^The Certification Authority Browser Forum \(CA\/Browser Forum\) is a voluntary gathering/;

/**
 * On a page with the site layout the post is `#content` and nothing else, so it is set aside and
 * everything around it is dropped; this id counts that (once). The header, side and footer rules
 * still run on what is around it: their counts are how layout health sees a template change.
 */
export const OUTSIDE_CONTENT: ChromeRule = {
  id: 'outside-content',
  selector: '#content',
  what: "everything outside the site layout's `#content`: header, breadcrumbs, side column, footer",
  why: 'the layout puts the post, and only the post, in #content',
};

/**
 * Chrome containers that can only be inside the body when broken markup (an unclosed table, a tag
 * cut in half) pulled the rest of the page into it. When the body holds one, the header, side and
 * footer rules run inside the body too; otherwise that costly pass is skipped.
 */
export const PULLED_IN_CHROME = '.col, footer, aside, nav, #searchModal';

/** The chrome table. */
export const CHROME_RULES: Readonly<Record<ChromeRegion, readonly ChromeRule[]>> = {
  header: [
    {
      id: 'search-modal',
      selector: '#searchModal',
      what: 'Pagefind search dialog with its script',
      why: 'site search UI, not text',
    },
    {
      id: 'navbar',
      selector: 'nav, body > header, #masthead',
      what: 'top navigation menus',
      why: 'same on every page',
    },
    {
      id: 'logo',
      selector: 'a:has(> img[alt="CA/Browser Forum"]), img[alt="CA/Browser Forum"]',
      what: 'site logo link',
      why: 'same on every page',
    },
    {
      id: 'breadcrumbs',
      selector: '.col-lg-9 > .fw-light, .col-lg-9 > small, .breadcrumb',
      what: 'breadcrumbs "Home » All CA/Browser Forum Posts » {Title}"',
      why: 'navigation; the title goes to front matter',
    },
  ],
  side: [
    {
      id: 'side-menu',
      selector: '.col > .mb-4.mt-2',
      what: 'section menu in the side column (non-post pages)',
      why: 'navigation',
    },
    {
      id: 'search-box',
      selector: '.input-group, #search, .widget_search',
      what: 'search box',
      why: 'site search UI',
    },
    {
      id: 'latest-releases',
      selector: SIDE_BOXES,
      text: /^Latest releases/i,
      what: '"Latest releases" box: the newest release of each requirements document',
      why: 'changes with every release, so an unchanged post would look changed',
    },
    {
      id: 'related-posts',
      selector: SIDE_BOXES,
      text: /^Related posts/i,
      what: '"Related posts" box: five links to other posts',
      why: 'changes as posts are added',
    },
    {
      id: 'tags-box',
      selector: SIDE_BOXES,
      text: /^Tags/i,
      what: '"Tags" box: tag links',
      why: 'the tags go to front matter',
    },
    {
      id: 'release-unavailable',
      selector: '.col p, aside p',
      text: /^Unable to retrieve latest release information/,
      what: 'fallback text of the "Latest releases" box when GitHub was unreachable at build time',
      why: 'build-time noise',
    },
    {
      id: 'side-column',
      selector: 'main > .col, .row > .col, aside, #secondary, #sidebar, .widget-area',
      what: 'the side column itself',
      why: 'holds only the boxes above',
    },
  ],
  footer: [
    {
      id: 'edit-page',
      selector: 'footer a, a.btn',
      text: /^Edit this page$/,
      what: '"Edit this page" link to the source on GitHub',
      why: 'site tooling',
    },
    {
      id: 'back-to-top',
      selector: 'a[title="Back to top"], a.back-to-top',
      what: 'back-to-top link',
      why: 'navigation',
    },
    {
      id: 'about-sentence',
      selector: 'footer small, footer p, small',
      text: ABOUT_SENTENCE,
      what: "the forum's one-sentence description",
      why: 'same on every page',
    },
    {
      id: 'footer',
      selector: 'footer, #footer',
      what: 'page footer (social links, footer menu); in older layouts also the post footer (categories, edit link)',
      why: 'same on every page',
    },
  ],
  body: [
    {
      id: 'title-block',
      selector: '.border-bottom:has(> h1), .entry-meta, .post-meta, .byline',
      what: 'the post header: the `<h1>` title block of `#content`; the "Posted on … by …" line of older layouts',
      why: 'title, date and author go to front matter',
    },
    {
      id: 'heading-anchor',
      selector: 'a[href^="#"]',
      text: /^[#¶§🔗]?$/u,
      what: 'goldmark heading anchor link ("#" after the heading text), or any in-page link with no other text',
      why: 'a rendering aid; Markdown headings have none',
    },
    { id: 'scripts', selector: 'script, noscript, template', what: 'scripts', why: 'active content, never text' },
    { id: 'styles', selector: 'style, link', what: 'style sheets', why: 'presentation, never text' },
    {
      id: 'forms',
      selector: 'form, input:not([type="checkbox"]), button, select, textarea',
      what: "forms and controls (a task list's checkboxes stay: they are its [x] and [ ])",
      why: 'interactive UI, never text',
    },
    {
      id: 'embeds',
      selector: 'iframe, object, embed, frame, frameset, applet',
      what: 'embedded documents and plugins',
      why: 'active content the archive cannot hold safely',
    },
    {
      id: 'pagefind-ignore',
      selector: '[data-pagefind-ignore]',
      what: 'blocks the site marks as not part of the page text',
      why: 'the site itself says they are not content',
    },
  ],
};
