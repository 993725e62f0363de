// Command arkisto-testsite serves the synthetic news site of arkisto's
// tests (package arkisto/crawler/testsite) on a loopback address, for the
// integration scripts (scripts/metrics-check.sh, scripts/pywb-check.sh) and
// demos. With --control-addr a script can change the site between two
// crawls. It is a command of its own so that the test site never ships in
// the arkisto binary.
//
//	go run ./crawler/testsite/cmd/arkisto-testsite --addr 127.0.0.1:8080
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"arkisto/crawler/testsite"
)

// Exit statuses, as arkisto's own.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// run serves the site until ctx is cancelled and returns the exit status.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("arkisto-testsite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	controlAddr := fs.String("control-addr", "", "loopback address for POST /change?path=P and POST /add-article (empty: none)")
	var opts testsite.Options
	fs.IntVar(&opts.Articles, "articles", 0, "number of articles (0 = the site's default)")
	fs.DurationVar(&opts.CrawlDelay, "crawl-delay", 0, "Crawl-delay announced in robots.txt")
	fs.DurationVar(&opts.Latency, "latency", 0, "delay before each response")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "arkisto-testsite: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	site := testsite.New(opts)
	var lc net.ListenConfig
	if *controlAddr != "" {
		cln, err := listenLoopback(ctx, *controlAddr)
		if err != nil {
			fmt.Fprintln(stderr, "arkisto-testsite:", err)
			return exitUsage
		}
		ctrl := &http.Server{Handler: controlHandler(site), ReadHeaderTimeout: time.Minute}
		defer ctrl.Close()
		go func() {
			if err := ctrl.Serve(cln); !errors.Is(err, http.ErrServerClosed) {
				fmt.Fprintf(stderr, "arkisto-testsite: control endpoint stopped: %v\n", err)
			}
		}()
		fmt.Fprintf(stderr, "test site control on http://%s/\n", cln.Addr())
	}
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "arkisto-testsite: listen on %s: %v\n", *addr, err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "test site on http://%s/\n", ln.Addr())
	if err := site.Serve(ctx, ln); err != nil && ctx.Err() == nil {
		fmt.Fprintln(stderr, "arkisto-testsite:", err)
		return exitFailure
	}
	return exitOK
}
