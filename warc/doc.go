// Package warc writes, reads, validates and indexes WARC files on top of
// gowarc. It knows nothing about crawling or Prometheus: callers hand it
// captured exchanges and learn what was written from return values.
package warc
