// Package crawler runs one crawl job: it takes URLs from the frontier under
// the politeness rules, fetches them through colly over the recording
// transport, writes every exchange to WARC, logs it in crawl.log, and feeds
// the links it finds back through scope and robots into the frontier.
package crawler
