// Package extract finds the URLs a fetched HTML page or stylesheet points to:
// the links a crawler may follow and the requisites (images, scripts,
// stylesheets, frames, media) a replay needs to render the page.
//
// It follows Heritrix's ExtractorHTML where that is deliberate and documents
// where it differs:
//
//   - Hop letters: 'L' for navigation and feeds, 'E' for requisites, 'R' for
//     meta refresh (Heritrix's REFER hop, the same letter as a redirect).
//   - FRAME and IFRAME src are requisites ('E'), Heritrix's default
//     treatFramesAsEmbedLinks=true.
//   - FORM action is a navigation link when the method is GET or absent, and
//     POST forms are skipped: Heritrix's defaults (ignoreFormActionUrls=false,
//     extractOnlyFormGets=true). Options.IgnoreFormActions turns it off.
//   - LINK: stylesheet, icon, modulepreload, prefetch and prerender are
//     requisites as in Heritrix; preload, manifest and the apple-touch and
//     mask icons are too (Heritrix lets them fall through to navigation, but
//     the page fetches them). alternate with an RSS, Atom or JSON Feed type is
//     a Feed; pingback, dns-prefetch and preconnect are skipped; a LINK
//     without rel is skipped; any other rel is navigation.
//   - BASE href is reported as a navigation link, as Heritrix does.
//   - Lazy-loading attributes (data-src, data-srcset, data-original, ...) and
//     background are requisites on any element, as in Heritrix.
//   - Unlike Heritrix, a robots meta tag does not stop extraction: Page
//     reports NoFollow and NoIndex and the crawler applies its policy.
//   - Unlike Heritrix, script bodies and attribute values are not mined for
//     URL-like strings (Heritrix's speculative 'X' hops).
//
// Every URL is resolved as a browser would (WHATWG URL parsing) against the
// first BASE href, which applies to the whole document, links before it too.
// Values that cannot be fetched over HTTP are reported with Err rather than
// dropped, so the crawler can log them.
package extract
