// Package robots decides what a fetched robots.txt means for the crawler:
// which URLs a user agent may fetch, how long to wait between requests
// (Crawl-delay), and which sitemaps the site announces. It follows RFC 9309;
// fetching, redirects, retries and caching belong to the crawler's scheduler.
package robots
