// Package crawllog is the crawl.log format: one line per URL a crawl dealt
// with, in Heritrix's columns, with Heritrix's negative status codes for
// URLs that got no HTTP status. It owns the codes, the annotation words,
// the line's writing and reading (Format, Parse, and Read for a whole log,
// which arkisto report and arkisto qa both read through), and the one
// reading of what a line means (Entry.Kind), which the end-of-crawl summary
// and arkisto report both count by.
package crawllog
