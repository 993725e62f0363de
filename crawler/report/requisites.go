package report

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"

	"arkisto/crawler/crawllog"
	"arkisto/crawler/extract"
	"arkisto/crawler/scope"
	"arkisto/warc"
)

// Why says why a page requisite is missing from the collection.
type Why string

const (
	WhyRobots       Why = "robots"        // robots.txt disallowed it
	WhyScope        Why = "scope"         // out of scope, excluded, a trap or a budget
	WhyError        Why = "error"         // fetched without success, or not at all for a failure
	WhyNeverFetched Why = "never fetched" // no crawl.log line: still queued when the crawl stopped
)

// PageMissing is a page and the requisites it lacks.
type PageMissing struct {
	Page    string
	Missing []Requisite
}

// Requisite is a missing page requisite and why it is missing.
type Requisite struct {
	URL    string
	Why    Why
	Detail string // the crawl.log kind or HTTP status behind Why
}

// missingRequisites reads every HTML page the WARC files hold and lists
// the requisites (images, CSS, scripts, frames, media) of each that the
// index has no usable capture of, explained by their last crawl.log line.
func missingRequisites(ctx context.Context, files []string, captured map[string]bool, last map[string]crawllog.Entry) ([]PageMissing, error) {
	seen := map[string]bool{}
	var out []PageMissing
	for _, path := range files {
		err := htmlPages(ctx, path, func(page *url.URL, body []byte) {
			key := page.String()
			if seen[key] {
				return
			}
			seen[key] = true
			var missing []Requisite
			for _, l := range extract.HTML(page, body).Links {
				if l.Kind != extract.Embed || l.Err != nil {
					continue
				}
				u, err := scope.Canonicalize(l.URL.String(), nil)
				if err != nil || captured[scope.Key(u)] {
					continue
				}
				why, detail := explain(last, scope.Key(u))
				missing = append(missing, Requisite{URL: scope.Key(u), Why: why, Detail: detail})
			}
			if len(missing) > 0 {
				out = append(out, PageMissing{Page: key, Missing: missing})
			}
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b PageMissing) int { return cmp.Compare(a.Page, b.Page) })
	return out, nil
}

// explain reads why a requisite is missing from its last crawl.log line.
func explain(last map[string]crawllog.Entry, u string) (Why, string) {
	e, ok := last[u]
	if !ok {
		return WhyNeverFetched, ""
	}
	switch kind := e.Kind(); {
	case kind == crawllog.KindRobots:
		return WhyRobots, string(kind)
	case kind.ByRule():
		return WhyScope, string(kind)
	case kind == crawllog.KindFetched:
		return WhyError, fmt.Sprintf("HTTP %d", e.Status)
	default:
		return WhyError, string(kind)
	}
}

// htmlPages calls fn with the URL and body (de-chunked, decoded, at most
// extract.DefaultMaxBytes) of every 2xx HTML response record in path.
func htmlPages(ctx context.Context, path string, fn func(*url.URL, []byte)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read WARC file: %w", err)
	}
	defer f.Close()
	r := warc.NewReader(f, warc.ReaderOptions{})
	defer r.Close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read WARC file %s: %w", path, err)
		}
		if rec.Header.Get("WARC-Type") != "response" || !rec.Whole() {
			continue
		}
		target, err := url.Parse(strings.Trim(rec.Header.Get("WARC-Target-URI"), "<>"))
		if err != nil {
			continue
		}
		if body, ok := htmlBody(rec); ok {
			fn(target, body)
		}
	}
}

// htmlBody returns the body of an HTML 2xx response record, decoded.
func htmlBody(rec warc.Record) ([]byte, bool) {
	resp, err := http.ReadResponse(bufio.NewReader(rec.BlockReader()), nil)
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 || !extract.IsHTML(resp.Header.Get("Content-Type")) {
		return nil, false
	}
	body := io.Reader(resp.Body)
	switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))) {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, false
		}
		body = zr
	default:
		return nil, false // the crawler asks for gzip alone
	}
	data, err := io.ReadAll(io.LimitReader(body, extract.DefaultMaxBytes))
	if err != nil && len(data) == 0 {
		return nil, false
	}
	return data, true
}
