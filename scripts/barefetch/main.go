// Command barefetch downloads a list of URLs over a fixed number of
// keep-alive connections and throws the bodies away: the floor a crawler's
// wall time is compared with in scripts/bench-real.sh. It follows no
// redirect and parses nothing; it prints how many URLs got which status.
//
//	go run ./scripts/barefetch -urls urls.txt -conns 16
//
// It is a benchmark tool: nothing in the arkisto binary imports it.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	urlsFile := flag.String("urls", "", "file of URLs, one per line")
	conns := flag.Int("conns", 16, "connections (and requests) at once")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *urlsFile, *conns); err != nil {
		fmt.Fprintln(os.Stderr, "barefetch:", err)
		os.Exit(1)
	}
}

// tally counts outcomes; its methods are safe for concurrent use.
type tally struct {
	mu       sync.Mutex
	statuses map[int]int
	errs     int
	firstErr error
	bytes    int64
}

func (t *tally) add(status int, n int64, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.bytes += n
	if err != nil {
		t.errs++
		if t.firstErr == nil {
			t.firstErr = err
		}
		return
	}
	t.statuses[status]++
}

func run(ctx context.Context, urlsFile string, conns int) error {
	if urlsFile == "" || conns < 1 {
		return errors.New("-urls is required and -conns must be positive")
	}
	urls, err := readLines(urlsFile)
	if err != nil {
		return err
	}
	client := &http.Client{
		Transport: &http.Transport{
			MaxConnsPerHost:     conns,
			MaxIdleConnsPerHost: conns,
			MaxIdleConns:        conns,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       time.Minute,
	}
	work := make(chan string)
	t := tally{statuses: map[int]int{}}
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Go(func() {
			for u := range work {
				status, n, err := fetch(ctx, client, u)
				t.add(status, n, err)
			}
		})
	}
feed:
	for _, u := range urls {
		select {
		case work <- u:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	elapsed := time.Since(start)
	codes := make([]int, 0, len(t.statuses))
	for c := range t.statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d: %d", c, t.statuses[c]))
	}
	fmt.Printf("barefetch: %d URLs, %d bytes in %.2fs over %d connections; statuses {%s}; %d errors\n",
		len(urls), t.bytes, elapsed.Seconds(), conns, strings.Join(parts, ", "), t.errs)
	if t.firstErr != nil {
		return fmt.Errorf("%d of %d fetches failed, the first: %w", t.errs, len(urls), t.firstErr)
	}
	return ctx.Err()
}

func fetch(ctx context.Context, client *http.Client, u string) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("make request for %s: %w", u, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return 0, n, fmt.Errorf("read body of %s: %w", u, err)
	}
	return resp.StatusCode, n, nil
}

func readLines(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open url list: %w", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read url list %s: %w", name, err)
	}
	return lines, nil
}
