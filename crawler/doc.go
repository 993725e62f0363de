// Package crawler runs one crawl job: it takes URLs from the frontier under
// the politeness rules, fetches them through colly over the recording
// transport, writes every exchange to WARC, logs it in crawl.log, and feeds
// the links it finds back through scope and robots into the frontier.
//
// A crawl's life: Prepare decides whether a crawl into a collection folder
// takes up the unfinished one there (the resume decision, shared by
// arkisto crawl and arkisto serve); New checks the config and builds the
// crawler without touching the disk; Run opens the collection's frontier
// and writers, crawls, and closes all it opened, also when it is
// interrupted (Options.Abort cuts the grace period short). Layout names
// the collection's folders.
package crawler
