// Package frontiertest is the contract every frontier.Frontier must keep,
// as a test suite: deduplication, Mark, priorities, prerequisite gating,
// per-host politeness and back-off, Retry and DropHost, the end of the
// crawl, cancellation, safety under concurrent workers, and the host book
// (HostInfo kept per host, updated atomically, robots.txt kept). A store's own
// test calls Run with a way to open it; its other tests may use the
// exported helpers (Push, Next, Done, Blocked...). Cases run in
// testing/synctest bubbles, so what they say of time is exact.
package frontiertest
