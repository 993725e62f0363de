// Package qa checks in a real browser how a crawl replays: `arkisto qa`.
//
// Each sampled page of a collection is opened in headless Chromium (through
// chromedp) as pywb replays it, and with Options.Live as the live site
// serves it. For every page it records the requests the archive could not
// answer, each with why the crawl did not capture it (read from the crawl
// log: never discovered, refused by robots.txt, out of scope, or a fetch
// that failed); requests that escaped the archive to the live web; console
// errors; a screenshot of each load, and with Live a pixel difference and a
// text similarity between the two. It writes a JSON report per page, the
// screenshots and a summary that ranks the worst pages into the
// collection's qa/ folder.
package qa
