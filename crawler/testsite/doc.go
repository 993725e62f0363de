// Package testsite serves the Arkisto Herald, a synthetic news site on
// loopback, for arkisto's end-to-end tests, benchmarks, kill/resume tests
// and demos. It is deterministic (the same Options give the same bytes,
// Date headers aside) and it tells tests exactly what a correct crawl must
// capture: ExpectedURLs, OnlyVia and CalendarURLs describe the site, Hits,
// MaxConcurrent and RawResponse report what the server saw and sent.
//
// The site carries every case a news crawler meets: robots.txt with a
// Disallow, a Crawl-delay and Sitemap lines; paginated sections; articles
// with srcset images, CSS url() and @import, fonts, scripts, an iframe and a
// video; a redirect chain; chunked, gzip and ISO-8859-1 responses; invalid
// UTF-8; 404 and 500 pages; duplicate bodies; a disallowed link; an endless
// calendar trap; unsupported and malformed links; a meta refresh; a <base
// href>; an out-of-scope host; sitemaps (index, gzip child, news, image) and
// RSS/Atom feeds that alone lead to some articles.
//
// Scripts and demos serve it with its own command, cmd/arkisto-testsite;
// it never links into the arkisto binary.
package testsite
