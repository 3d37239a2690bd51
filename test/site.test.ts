import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  conventionalOldPaths,
  dayOfPath,
  isListingSectionPath,
  isOnSite,
  isPermalinkShaped,
  isPostListingPath,
  isSiteRoot,
  isTaxonomyIndexPath,
  isTaxonomyPath,
  normalizeUrl,
  pathKey,
  permalinkPath,
  revealedAliases,
  sitePage,
  urlize,
} from '../src/site/index.js';

const SITE = new URL('https://cabforum.org');

describe('normalizeUrl', () => {
  const cases: [string, string | undefined, string][] = [
    ['https://cabforum.org/2022/11/03/a/', 'https://cabforum.org/2022/11/03/a/', 'already normal'],
    [
      'HTTP://WWW.CabForum.org/2022/11/03/a',
      'https://cabforum.org/2022/11/03/a/',
      'scheme, host case, www., trailing slash',
    ],
    ['/2022/11/03/a/index.html#minutes', 'https://cabforum.org/2022/11/03/a/', 'relative, index.html, fragment'],
    [
      'https://cabforum.org/2022/11/03/a/?utm_source=x&fbclid=1&gclid=2&ref=tw',
      'https://cabforum.org/2022/11/03/a/',
      'tracking query',
    ],
    ['https://cabforum.org/posts/?page=2&utm_medium=mail', 'https://cabforum.org/posts/?page=2', 'real query kept'],
    ['https://cabforum.org//2022//11/03/a/', 'https://cabforum.org/2022/11/03/a/', 'doubled slashes'],
    ['https://cabforum.org/posts/index.xml', 'https://cabforum.org/posts/index.xml', 'a file keeps its name'],
    [
      'https://cabforum.org/2023/01/05/version-1.3-of-the-ev-guidelines',
      'https://cabforum.org/2023/01/05/version-1.3-of-the-ev-guidelines/',
      'a dotted title is a page, not a file',
    ],
    [
      'https://cabforum.org/2023/05/11/minutes-of-the-s/mime-working-group/',
      'https://cabforum.org/2023/05/11/minutes-of-the-s/mime-working-group/',
      'a nested permalink',
    ],
    [
      'https://cabforum.org/2024/03/01/réunion-à-zürich/',
      'https://cabforum.org/2024/03/01/r%C3%A9union-%C3%A0-z%C3%BCrich/',
      'non-ASCII letters percent-encoded',
    ],
    [
      'https://cabforum.org/2024/03/01/r%c3%a9union-%C3%A0-z%c3%bcrich/',
      'https://cabforum.org/2024/03/01/r%C3%A9union-%C3%A0-z%C3%BCrich/',
      'one spelling of the escapes',
    ],
    [
      'https://cabforum.org/uploads/a%5Cb.pdf',
      'https://cabforum.org/uploads/a%5Cb.pdf',
      'an encoded backslash stays one (never a separator)',
    ],
    ['https://cabforum.org/uploads/a%2Fb.pdf', 'https://cabforum.org/uploads/a%2Fb.pdf', 'an encoded slash stays one'],
    ['https://github.com/cabforum/servercert', undefined, 'off-site'],
    ['https://lists.cabforum.org/pipermail/', undefined, 'subdomain is another site'],
    ['https://cabforum.org:8443/x/', undefined, 'another port'],
    ['mailto:questions@cabforum.org', undefined, 'not http'],
    ['http://[::1', undefined, 'unparsable'],
  ];
  it.each(cases)('%s → %s (%s)', (input, expected) => {
    expect(normalizeUrl(input, SITE)).toBe(expected);
  });

  it('keeps www. when the site itself has it', () => {
    expect(normalizeUrl('https://example.org/a/', new URL('https://www.example.org'))).toBe(
      'https://www.example.org/a/',
    );
  });

  it('is idempotent', () => {
    for (const [input] of cases) {
      const once = normalizeUrl(input, SITE);
      if (once !== undefined) expect(normalizeUrl(once, SITE)).toBe(once);
    }
  });
});

describe('pathKey', () => {
  it('is one key for every spelling of a path', () => {
    const spellings = [
      'https://cabforum.org/2024/03/01/R%C3%A9union-%c3%a0-Z%C3%BCrich/index.html',
      '/2024/03/01/réunion-à-zürich',
      'http://www.cabforum.org/2024/03/01/re\u0301union-a\u0300-zu\u0308rich/?utm_source=x#top',
    ];
    expect(new Set(spellings.map(pathKey))).toEqual(new Set(['/2024/03/01/réunion-à-zürich/']));
  });

  it('keeps files as files and nested permalinks nested', () => {
    expect(pathKey('/uploads/BR-v2.pdf')).toBe('/uploads/br-v2.pdf');
    expect(pathKey('https://cabforum.org/2023/05/11/minutes-of-the-s/mime-working-group')).toBe(
      '/2023/05/11/minutes-of-the-s/mime-working-group/',
    );
    expect(pathKey('https://cabforum.org/2022/11/03/Foo')).toBe('/2022/11/03/foo/');
    expect(pathKey('/foo/index.html')).toBe('/foo/');
  });

  it('agrees with normalizeUrl: a normalized URL has the key of the URL it came from', () => {
    for (const url of [
      'HTTP://WWW.cabforum.org/2023/01/05/version-1.3-of-x',
      'https://cabforum.org/2024/03/01/réunion/index.html',
    ]) {
      expect(pathKey(normalizeUrl(url, SITE)!)).toBe(pathKey(url));
    }
  });
});

describe("Hugo's urlize and permalinks (helpers/path.go)", () => {
  const titles: [string, string][] = [
    ['Minutes of the S/MIME Working Group', 'minutes-of-the-s/mime-working-group'],
    ['Version 1.3 of the EV Guidelines', 'version-1.3-of-the-ev-guidelines'],
    [
      '2022-11-03 Minutes of the Code Signing Certificate Working Group',
      '2022-11-03-minutes-of-the-code-signing-certificate-working-group',
    ],
    ['Ballot SC-081v3: Introduce Schedule (Reducing Validity)', 'ballot-sc-081v3-introduce-schedule-reducing-validity'],
    ['F2F Meeting 58 – Zürich, Switzerland', 'f2f-meeting-58-zürich-switzerland'],
    ["CA/Browser Forum's “Code of Conduct”", 'ca/browser-forums-code-of-conduct'],
    ['  Leading  and  doubled  spaces  ', 'leading-and-doubled-spaces'],
    ['a - b', 'a-b'],
  ];
  it.each(titles)('urlize(%j) = %j', (title, slug) => {
    expect(urlize(title)).toBe(slug);
  });

  it('builds /:year/:month/:day/:title/, with the unpadded zero year', () => {
    expect(permalinkPath('2023-05-11', 'Minutes of the S/MIME Working Group')).toBe(
      '/2023/05/11/minutes-of-the-s/mime-working-group/',
    );
    expect(permalinkPath('0001-01-01', 'Undated')).toBe('/1/01/01/undated/');
  });

  it('reads the day of a dated path at any depth, and none elsewhere', () => {
    expect(dayOfPath('/2023/05/11/minutes-of-the-s/mime-working-group/')).toBe('2023-05-11');
    expect(dayOfPath('/1/01/01/undated/')).toBe('0001-01-01');
    for (const path of ['/2022/11/03/', '/posts/', '/2022-11-03-x/', '/tags/smime/', '/2022/11/03/x/report.pdf']) {
      expect(isPermalinkShaped(path), path).toBe(false);
    }
  });
});

describe('aliases', () => {
  it('never makes a post its own alias, and keeps one sorted set', () => {
    const own = 'https://cabforum.org/2023/05/11/x/';
    expect(revealedAliases(own, ['/2023-05-11-x/', '/2023/05/11/X/index.html', '/', '', '/2023-05-11-x'])).toEqual([
      '/2023-05-11-x/',
    ]);
  });

  it('names the two conventional old paths with the flat slug, never the permalink itself', () => {
    expect(
      conventionalOldPaths(
        '2023-05-11',
        'Minutes of the S/MIME Working Group',
        'https://cabforum.org/2023/05/11/minutes-of-the-s/mime-working-group/',
      ),
    ).toEqual(['/2023-05-11-minutes-of-the-s-mime-working-group/', '/2023/05/11/minutes-of-the-s-mime-working-group/']);
    // When the flat slug is the permalink's own, only the other form is left to ask about.
    expect(conventionalOldPaths('2022-11-03', 'Plain Title', 'https://cabforum.org/2022/11/03/plain-title/')).toEqual([
      '/2022-11-03-plain-title/',
    ]);
  });
});

describe("a '#' Hugo keeps in a permalink", () => {
  it('stays in the path, escaped on the wire, and keys like the permalink Hugo makes', () => {
    const href = 'https://cabforum.org/2023/10/17/f2f-meeting-#58-z%C3%BCrich-switzerland/';
    expect(normalizeUrl(href, SITE)).toBe('https://cabforum.org/2023/10/17/f2f-meeting-%2358-z%C3%BCrich-switzerland/');
    expect(pathKey(href)).toBe(pathKey(permalinkPath('2023-10-17', 'F2F Meeting #58 – Zürich, Switzerland')));
    expect(pathKey(href)).toBe('/2023/10/17/f2f-meeting-#58-zürich-switzerland/');
    // A real fragment is still dropped.
    expect(normalizeUrl('/2022/11/03/a/#roll-call', SITE)).toBe('https://cabforum.org/2022/11/03/a/');
  });
});

describe('normalizeUrl fast path', () => {
  it("gives for URLs already in the site's spelling what the full normalization gives", () => {
    const site = new URL('https://cabforum.org');
    const segment = fc.constantFrom(
      'a',
      'B',
      '2024',
      '.',
      '..',
      '...',
      'index.html',
      'default.htm',
      'x.pdf',
      'v1.3',
      '-',
      '_',
      'é',
      '%41',
      '',
      'a.b',
      '#58',
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.boolean(), (segments, slash) => {
        const path = `/${segments.join('/')}${slash ? '/' : ''}`;
        // An upper-case scheme and host never take the fast path, and normalize to the site's spelling.
        expect(normalizeUrl(`https://cabforum.org${path}`, site)).toBe(
          normalizeUrl(`HTTPS://CABFORUM.ORG${path}`, site),
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalizeUrl, fast and slow', () => {
  it('gives a plain URL (taken as it is) the spelling the URL parser gives it', () => {
    const segment = fc.constantFrom(
      'a',
      'B',
      '2024',
      '.',
      '..',
      '...',
      '.a',
      'index.html',
      'v1.3',
      '-',
      '_',
      'é',
      '%41',
      '%2e',
      '',
      'a b',
      '#58',
      'a\\b',
      '~',
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.boolean(), (segments, slash) => {
        const url = `https://cabforum.org/${segments.join('/')}${slash ? '/' : ''}`;
        // An empty query is dropped, but it keeps the URL off the fast path: the parser decides.
        expect(normalizeUrl(url, SITE)).toBe(normalizeUrl(`${url}?`, SITE));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the page record and the site sections', () => {
  it('reads a URL once into its key and the day its path carries', () => {
    expect(sitePage('https://cabforum.org/2022/11/03/Minutes-of-X/')).toEqual({
      url: 'https://cabforum.org/2022/11/03/Minutes-of-X/',
      key: '/2022/11/03/minutes-of-x/',
      day: '2022-11-03',
    });
    expect(sitePage('https://cabforum.org/about/')).toEqual({ url: 'https://cabforum.org/about/', key: '/about/' });
    expect(sitePage('https://cabforum.org/1/01/01/undated/').day).toBe('0001-01-01');
  });

  it('tells listing and taxonomy paths apart from posts', () => {
    expect(['/tags/', '/tags/ballots/', '/author/x/page/2/'].every(isTaxonomyPath)).toBe(true);
    expect(['/posts/', '/tagsx/', '/2022/11/03/tags/'].some(isTaxonomyPath)).toBe(false);
    expect(['/tags/', '/series/'].every(isTaxonomyIndexPath)).toBe(true);
    expect(isTaxonomyIndexPath('/tags/ballots/')).toBe(false);
    expect(['/posts/', '/posts/page/3/'].every(isPostListingPath)).toBe(true);
    expect(isPostListingPath('/posts/some-post/')).toBe(false);
    expect(['/posts/', '/posts/x/y/', '/tags', '/categories/a/page/2/'].every(isListingSectionPath)).toBe(true);
    expect(isListingSectionPath('/2022/11/03/posts/')).toBe(false);
    expect(isSiteRoot('/')).toBe(true);
    expect(isSiteRoot('/index/')).toBe(false);
  });

  it('has one "same site" rule: www. or not, on the site\'s port, either scheme', () => {
    expect(isOnSite(new URL('http://www.CabForum.org/x/'), SITE)).toBe(true);
    expect(isOnSite(new URL('https://cabforum.org:8443/x/'), SITE)).toBe(false);
    expect(isOnSite(new URL('https://evil-cabforum.org/x/'), SITE)).toBe(false);
  });
});
