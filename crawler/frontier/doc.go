// Package frontier holds the URLs a crawl has yet to fetch: one queue per
// host, a seen set of canonical URLs, and the per-host politeness state
// (ready time, requests in flight) that decides which host may go next.
//
// Two stores implement Frontier: Memory, and Bolt, which keeps it in a
// bbolt file so a crawl survives its process. Both apply one set of
// politeness rules (politeness.go), written as pure transitions of a
// plain per-host state, so a store kept elsewhere can apply them too.
// The frontiertest package is the contract every store passes.
package frontier
