// Package report is arkisto report: the post-crawl view of a collection
// that archivists know from Heritrix's reports, as one self-contained HTML
// file (inline CSS and SVG, no script, nothing fetched from anywhere).
// Its figures come from the collection's logs/crawl.log, read through
// crawllog, and its indexes/index.cdxj; the page requisites a page lacks
// come from the HTML pages in its WARC files, each requisite explained by
// its crawl.log line (robots.txt, scope, error) or by having none (never
// fetched). When arkisto qa has run, Report.QA carries its summary and the
// HTML shows it too.
package report
