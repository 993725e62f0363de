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
// the collection's folders and lists its WARC files. Every URL dealt with
// is one crawl.log line (crawllog's format), counted as it is written into
// the run's Summary (logs/summary.json); a dry run writes only those.
// PackageWACZ packages a collection for `crawl --wacz`, `arkisto wacz` and
// serve's jobs.
//
// On a shared frontier (config Frontier, a Redis URL: several processes,
// on one machine or many, crawling as one) PrepareShared takes Prepare's
// place, and a process differs only in what shared.go and taken.go say:
// it registers in the crawl under a name of its own, which its WARC files
// carry, so that processes writing into one folder, or whose collections
// are copied together, never take the same file name; it deduplicates
// against the crawl's payload digests in Redis, so a payload one process
// stored is a revisit in another; --max-pages counts the whole crawl's
// items; and a start over is refused while processes still beat. What
// politeness depends on lives in the frontier and its host book, so the
// rules are the same code for one process and many. A process killed
// loses nothing: its leases expire and its URLs go back to their queues,
// and a URL is done only once its records are on disk; a Redis that stops
// answering pauses the workers instead of ending the crawl.
package crawler
