// Package frontiertest is the contract every frontier.Frontier must keep,
// as a test suite: deduplication, Mark, priorities, prerequisite gating,
// per-host politeness, Retry and DropHost, the end of the crawl,
// cancellation, and safety under concurrent workers. A store's own test
// calls Run with a way to open it.
package frontiertest
