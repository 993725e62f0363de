// Package frontier holds the URLs a crawl has yet to fetch: one queue per
// host, a seen set of canonical URLs, and the per-host politeness state
// (ready time, requests in flight) that decides which host may go next.
// Frontier is an interface so on-disk and Redis stores can stand in for
// the in-memory one.
package frontier
