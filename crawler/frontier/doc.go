// Package frontier holds the URLs a crawl has yet to fetch: one queue per
// host, a seen set of canonical URLs, the per-host politeness state (ready
// time, requests in flight) that decides which host may go next, and the
// host book, what the crawl knows of each host (robots.txt, failures,
// budget, given up).
//
// Three stores implement Frontier: Memory; Bolt, which keeps it in a
// bbolt file so a crawl survives its process; and Redis, shared by every
// process of a crawl, on one machine or many, with leases on the items in
// flight. All apply one set of politeness rules (politeness.go), written
// as pure transitions of a plain per-host state, so a store kept elsewhere
// can apply them too. The frontiertest package is the contract every store
// passes.
//
// The Redis store also keeps what the processes of a shared crawl need
// besides the queues: their registrations and heartbeats (Register,
// Processes), the crawl-wide count of items taken (CountTaken) and the
// crawl's index of payload digests (Original, AddOriginal). A Redis that
// stops answering makes its callers wait, not fail (redis_outage.go).
package frontier
