package wacz

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Page is one captured page: a line of the crawl's page list and of the
// package's pages/pages.jsonl.
type Page struct {
	// ID names the page in the package; "" in the crawl's list, where
	// Write derives it from TS and URL.
	ID    string    `json:"id,omitempty"`
	URL   string    `json:"url"`
	TS    time.Time `json:"ts"` // the WARC-Date of its response or revisit record
	Title string    `json:"title,omitempty"`
}

// PageID is a page's stable identifier: the same capture gets the same
// id in every package made of it, and in `arkisto qa`'s reports.
func PageID(p Page) string {
	sum := sha256.Sum256([]byte(p.TS.UTC().Format(time.RFC3339Nano) + " " + p.URL))
	return hex.EncodeToString(sum[:8])
}

// maxPageLine bounds a line of a page list: a URL and a title are far
// shorter, so a longer line is damage and is skipped, not read whole.
const maxPageLine = 64 << 10

// PageList appends pages to a crawl's page list, a JSON Lines file. Each
// page is one write, so a crash loses at most the line being written,
// which Write later skips.
type PageList struct {
	mu sync.Mutex
	f  *os.File
}

// OpenPageList opens the page list at path for appending, creating it.
func OpenPageList(path string) (*PageList, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open page list: %w", err)
	}
	return &PageList{f: f}, nil
}

// Add appends one page.
func (l *PageList) Add(p Page) error {
	p.TS = p.TS.UTC()
	line, err := marshalPage(p)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.Write(line); err != nil {
		return fmt.Errorf("write page list: %w", err)
	}
	return nil
}

// Close closes the file.
func (l *PageList) Close() error { return l.f.Close() }

// marshalPage is p as one JSON line, "<" and "&" left as they are.
func marshalPage(p Page) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("encode page %s: %w", p.URL, err)
	}
	return b.Bytes(), nil
}

// pagesHeader is the first line of pages/pages.jsonl (WACZ 1.1.1).
const pagesHeader = `{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}` + "\n"

// copyPages writes the package's page list: the header, then every page
// of the crawl's list at path that reads whole and has its time, each with
// its id. It returns how many pages it wrote and how many lines it
// skipped. A missing list gives a header alone.
func copyPages(path string, out io.Writer) (pages, skipped int, err error) {
	if _, err := io.WriteString(out, pagesHeader); err != nil {
		return 0, 0, fmt.Errorf("write pages header: %w", err)
	}
	if path == "" {
		return 0, 0, nil
	}
	untimed := 0
	skipped, err = ReadPages(path, func(p Page) error {
		if p.TS.IsZero() {
			untimed++ // a package's pages need their capture's time
			return nil
		}
		b, err := marshalPage(p)
		if err != nil {
			return err
		}
		if _, err := out.Write(b); err != nil {
			return fmt.Errorf("write pages: %w", err)
		}
		pages++
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	return pages, skipped + untimed, err
}

// ReadPages reads a page list (a crawl's, PageList's, or a package's
// pages/pages.jsonl) and hands each page with a URL to fn, its ID filled
// in when it has a time. Lines that are not pages (a header, a line cut
// by a crash, a line longer than any page) are counted in skipped. An
// error of fn ends the reading and is returned.
func ReadPages(path string, fn func(Page) error) (skipped int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open page list: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		line, tooLong, err := readLine(r)
		if errors.Is(err, io.EOF) {
			return skipped, nil
		}
		if err != nil {
			return skipped, fmt.Errorf("read page list %q: %w", path, err)
		}
		var p Page
		if tooLong || json.Unmarshal(line, &p) != nil || p.URL == "" {
			skipped++
			continue
		}
		if p.ID == "" && !p.TS.IsZero() {
			p.ID = PageID(p)
		}
		if err := fn(p); err != nil {
			return skipped, err
		}
	}
}

// readLine returns the next line without its end, or tooLong (and the
// line discarded) when it passes maxPageLine. A last line without an end
// is returned too: json.Unmarshal decides whether it is whole.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) > maxPageLine {
			tooLong = true
		} else {
			buf = append(buf, chunk...)
		}
		switch {
		case err == nil:
			return bytes.TrimRight(buf, "\r\n"), tooLong, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && (len(buf) > 0 || tooLong):
			return buf, tooLong, nil
		default:
			return nil, false, err
		}
	}
}
