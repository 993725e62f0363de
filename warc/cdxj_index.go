package warc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// IndexFiles reads WARC files with the package's Reader and writes their
// CDXJ lines to out, sorted in byte order: the same lines CDXJLine gives
// the crawl-time path, so a rebuilt index equals the one written during
// the crawl. Lines are sorted on disk under os.TempDir().
//
// Only records that read whole (Record.Whole) are indexed, so the index
// never points at a record the validator calls damaged. Like pywb's
// indexer, it does not give up on a damaged file: it goes on with the next
// record (in a .warc.gz, the next gzip member) and with the other files,
// and afterwards returns a *SkippedError, which matches ErrSkippedRecords
// and names each record left out and why.
func IndexFiles(ctx context.Context, warcPaths []string, out io.Writer) error {
	s, err := newLineSorter("", 0)
	if err != nil {
		return err
	}
	skipped := &SkippedError{}
	for _, p := range warcPaths {
		if err := indexFile(ctx, p, s.add, skipped); err != nil {
			return errors.Join(err, s.close())
		}
	}
	if _, err := s.writeSorted(ctx, out); err != nil {
		return errors.Join(fmt.Errorf("write cdxj index: %w", err), s.close())
	}
	if err := s.close(); err != nil {
		return err
	}
	return skipped.orNil()
}

// RebuildIndex replaces the index at indexPath with one made from the WARC
// files (directories expand as ExpandWARCPaths says), under the index's
// lock as MergeInto. When records are left out, the index of the others
// still replaces the old one and the error matches ErrSkippedRecords.
func RebuildIndex(ctx context.Context, warcPaths []string, indexPath string) (err error) {
	files, err := ExpandWARCPaths(warcPaths)
	if err != nil {
		return err
	}
	unlock, err := lockIndex(indexPath)
	if err != nil {
		return fmt.Errorf("rebuild cdxj index %q: %w", indexPath, err)
	}
	defer func() { err = errors.Join(err, unlock()) }()
	var skipped error
	err = replaceFile(indexPath, func(out io.Writer) error {
		err := IndexFiles(ctx, files, out)
		if errors.Is(err, ErrSkippedRecords) {
			skipped, err = err, nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("rebuild cdxj index %q: %w", indexPath, err)
	}
	return skipped
}

// indexEntry is what pywb's indexer keeps of a record while it pairs
// requests with their responses.
type indexEntry struct {
	written      Written
	id           string
	concurrentTo string
	method       string // request records only
}

// indexFile emits the CDXJ lines of one file and adds the records it
// leaves out to skipped. Like pywb (wb-manager uses its append-POST mode),
// it gives a response, revisit or resource its request's method when the
// request is the record just before or after it, has the same target URI,
// and the later of the two names the earlier in WARC-Concurrent-To. The
// error is for a file that cannot be read, or for emit failing.
func indexFile(ctx context.Context, path string, emit func(string) error, skipped *SkippedError) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open warc file %q: %w", path, err)
	}
	defer f.Close()
	// Only the head of a block is needed (the HTTP status line and
	// headers): the rest is read and checked, never spooled.
	rd := NewReader(f, ReaderOptions{Block: KeepBlockHead})
	defer rd.Close()

	var prev *indexEntry
	flush := func(e *indexEntry) error {
		if e == nil || e.written.Type == "request" {
			return nil
		}
		line, err := CDXJLine(e.written)
		if err != nil {
			// A URL pywb cannot key either: leave the record out, go on.
			skipped.add(path, e.written.Offset, err.Error())
			return nil
		}
		if line == "" {
			return nil
		}
		return emit(line)
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("index %q: %w", path, err)
		}
		if !rec.Whole() {
			skipped.add(path, rec.Offset, notWholeReason(rec))
			continue
		}
		e, err := newIndexEntry(rec, filepath.Base(path))
		if err != nil {
			// pywb cannot index such a record either; go on with the rest.
			skipped.add(path, rec.Offset, err.Error())
			continue
		}
		if e == nil {
			continue
		}
		if prev != nil && pairWithRequest(prev, e) {
			if err := errors.Join(flush(prev), flush(e)); err != nil {
				return err
			}
			prev = nil
			continue
		}
		if err := flush(prev); err != nil {
			return err
		}
		prev = e
	}
	return flush(prev)
}

// pairWithRequest applies pywb's join_request_records to two neighbours,
// copying the request's method to the other record when they pair.
func pairWithRequest(earlier, later *indexEntry) bool {
	if earlier.written.TargetURI != later.written.TargetURI || later.concurrentTo != earlier.id {
		return false
	}
	switch {
	case earlier.written.Type == "request" && later.written.Type != "request":
		later.written.Method = earlier.method
	case later.written.Type == "request" && earlier.written.Type != "request":
		earlier.written.Method = later.method
	default:
		return false
	}
	return true
}

// newIndexEntry describes a record the way warcio parses it for pywb. It
// returns nil for records pywb leaves out before pairing (those holding
// application/warc-fields, such as warcinfo).
func newIndexEntry(rec Record, file string) (*indexEntry, error) {
	h := rec.Header
	if h.Get("Content-Type") == "application/warc-fields" {
		return nil, nil
	}
	w := Written{
		RecordID:      h.Get("WARC-Record-ID"),
		Type:          h.Get("WARC-Type"),
		TargetURI:     stripAngles(h.Get("WARC-Target-URI")),
		File:          file,
		Offset:        rec.Offset,
		Length:        rec.Length,
		PayloadDigest: h.Get("WARC-Payload-Digest"),
	}
	if !rec.Compressed {
		w.Length -= 4 // warcio leaves the end marker out of an uncompressed record's length
	}
	if d := h.Get("WARC-Date"); d != "" {
		t, err := time.Parse(time.RFC3339Nano, d)
		if err != nil {
			return nil, fmt.Errorf("read WARC-Date of %s: %w", w.RecordID, err)
		}
		w.Date = t
	}
	e := &indexEntry{written: w, id: w.RecordID, concurrentTo: h.Get("WARC-Concurrent-To")}
	head := httpHead(rec)
	isHTTP := head != "" && (strings.HasPrefix(w.TargetURI, "http:") || strings.HasPrefix(w.TargetURI, "https:"))
	switch {
	case w.Type == "request" && isHTTP:
		e.method, _, _ = strings.Cut(head, " ")
	case (w.Type == "response" || w.Type == "revisit") && isHTTP:
		e.written.HTTPStatus, e.written.MIME = parseHTTPHead(head)
	default:
		// warcio makes up "200 OK" with the WARC Content-Type for records
		// it does not parse as HTTP.
		e.written.HTTPStatus, e.written.MIME = 200, h.Get("Content-Type")
	}
	return e, nil
}

// httpHead returns the HTTP start line and header lines at the start of
// the block, up to and including the blank line that ends them: for a
// revisit, the whole (kept) block, which holds only those; for other
// records whose Content-Type says application/http, the lines up to the
// first one shorter than three bytes. Other records have none.
func httpHead(rec Record) string {
	switch strings.ToLower(rec.Header.Get("WARC-Type")) {
	case "revisit":
		b, _ := io.ReadAll(rec.BlockReader())
		return string(b)
	case "response", "resource", "request", "conversion", "continuation":
	default:
		return ""
	}
	if !strings.HasPrefix(strings.ToLower(rec.Header.Get("Content-Type")), "application/http") {
		return ""
	}
	var head strings.Builder
	br := bufio.NewReader(rec.BlockReader())
	for {
		line, err := br.ReadString('\n')
		head.WriteString(line)
		if err != nil || len(line) < 3 {
			return head.String()
		}
	}
}

// notWholeReason says why rec is not whole, from its problems.
func notWholeReason(rec Record) string {
	if len(rec.Problems) == 0 {
		return "no Content-Length header"
	}
	msgs := make([]string, len(rec.Problems))
	for i, p := range rec.Problems {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "; ")
}

// parseHTTPHead reads the status code and Content-Type the way warcio's
// StatusAndHeadersParser does (first Content-Type wins, "204 ... Error" is
// no status).
func parseHTTPHead(head string) (int, string) {
	lines := strings.Split(head, "\n")
	statusLine := strings.TrimRight(lines[0], "\r")
	_, rest, _ := strings.Cut(statusLine, " ")
	code, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	status, err := strconv.Atoi(code)
	if err != nil || (code == "204" && strings.Contains(rest, "Error")) {
		status = 0
	}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(strings.TrimRight(l, "\r"), ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Content-Type") {
			return status, strings.TrimSpace(value)
		}
	}
	return status, ""
}
