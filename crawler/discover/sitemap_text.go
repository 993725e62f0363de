package discover

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// textSitemap reads the sitemaps.org plain-text form: one absolute URL per
// line. A first line that is not a URL means the body is something else (an
// error page, JSON); later lines that are not URLs are skipped.
func textSitemap(body *bufio.Reader, served string, limits Limits) ([]Entry, error) {
	var entries []Entry
	for {
		line, err := body.ReadString('\n')
		if errors.Is(err, gzip.ErrChecksum) {
			return nil, readError("read text sitemap "+served, err, limits) // any line may be corrupt
		}
		if err != nil && !errors.Is(err, io.EOF) {
			// The line cut by the failure is dropped: it may be half a URL.
			return entries, readError(fmt.Sprintf("read text sitemap after %d entries %s", len(entries), served), err, limits)
		}
		if u := strings.TrimSpace(line); u != "" {
			switch {
			case !isAbsoluteHTTP(u) && len(entries) == 0:
				return nil, fmt.Errorf("%w: text whose first line is not a url %s", ErrNotSitemap, served)
			case !isAbsoluteHTTP(u):
			case len(entries) == limits.MaxEntries:
				return entries, tooMany(limits)
			default:
				entries = append(entries, Entry{URL: u})
			}
		}
		if err != nil {
			return entries, nil
		}
	}
}

func isAbsoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
