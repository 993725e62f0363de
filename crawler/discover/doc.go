// Package discover turns sitemaps and RSS/Atom feeds into the URLs a crawl
// should visit.
//
// It only parses: the crawler fetches every document through its normal
// pipeline (scope, robots, politeness, WARC) and hands the bodies here, so
// nothing in this package touches the network. Every parser is bounded by
// Limits, because sitemaps are attacker-controlled input that may be a gzip
// bomb or list millions of URLs.
//
// Nested sitemap indexes: sitemaps named by robots.txt or the configuration
// are at index depth 0, and the sitemaps an index at depth d lists are at
// depth d+1. The crawler carries that depth with each sitemap URL it queues
// and asks ChildDepth before queueing the children of an index, which refuses
// once they would pass MaxIndexDepth. sitemaps.org forbids indexes inside
// indexes, but real sites nest them, and a loop of indexes naming each other
// must still end.
package discover
