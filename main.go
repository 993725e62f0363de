// Command arkisto crawls web sites into WARC files that pywb replays. The
// commands live in arkisto/crawler/cli.
package main

import (
	"context"
	"os"
	"runtime/debug"

	"arkisto/crawler/cli"
)

// gcPercent replaces Go's default GOGC of 100: a crawl's live heap is a few
// tens of MB (bodies are spooled, the frontier is on disk or in Redis) and
// churns fast, so collecting at 100% growth spent 10-20% of a crawl's CPU
// (scripts/bench-real.sh). The GOGC environment variable still wins.
const gcPercent = 400

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(cli.Main(context.Background(), os.Args[1:]))
}
