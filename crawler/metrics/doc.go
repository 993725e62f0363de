// Package metrics is the crawl's Prometheus instrumentation: the collectors
// a crawl updates (fetch outcomes, bytes, WARC output, robots.txt,
// politeness, refusals), a collector that reads the frontier's sizes at
// scrape time, the /metrics and /healthz HTTP endpoint, and a Pushgateway
// pusher for crawls run from cron.
//
// Everything is registered on a registry the caller injects, never on the
// global one, so two crawls in one process (or one test binary) do not
// collide. No label takes unbounded values: status codes, error kinds,
// discovery sources, record types and refusal reasons are each folded into
// a fixed set, with "other" for the rest, and no URL or host is a label.
//
// Every process of a crawl on a shared frontier serves its own metrics;
// the frontier's sizes, which each reads from Redis for the whole crawl,
// carry a crawl_job label (SharedFrontierCollector), so that a dashboard
// counts them once per crawl, not once per process.
package metrics
