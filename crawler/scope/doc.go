// Package scope decides which URLs a crawl may fetch: it turns raw links into
// canonical URLs (the seen-set and politeness keys), tells whether a URL lies
// inside the crawl's scope, and flags crawler traps.
package scope
