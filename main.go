// Command arkisto crawls web sites into WARC files that pywb replays. The
// commands live in arkisto/crawler/cli.
package main

import (
	"context"
	"os"

	"arkisto/crawler/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:]))
}
