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

	"github.com/nlnwa/gowarc/v3"
)

// ErrDamagedWARC marks a WARC file that could be indexed only up to the
// point where it is damaged (a truncated or corrupt gzip member, say).
var ErrDamagedWARC = errors.New("damaged warc file")

// IndexFiles reads WARC files with gowarc and writes their CDXJ lines to
// out, sorted in byte order: the same lines CDXJLine gives the crawl-time
// path, so a rebuilt index equals the one written during the crawl. Lines
// are sorted on disk under os.TempDir().
//
// Like pywb's indexer, it does not give up on a damaged file: the records
// before the damage and all other files are indexed, and the error returned
// afterwards matches ErrDamagedWARC and names the damaged files.
func IndexFiles(ctx context.Context, warcPaths []string, out io.Writer) error {
	s, err := newLineSorter("", 0)
	if err != nil {
		return err
	}
	var damaged []error
	for _, p := range warcPaths {
		err := indexFile(ctx, p, s.add)
		if errors.Is(err, ErrDamagedWARC) {
			damaged = append(damaged, err)
			continue
		}
		if err != nil {
			return errors.Join(err, s.close())
		}
	}
	if _, err := s.writeSorted(ctx, out); err != nil {
		return errors.Join(fmt.Errorf("write cdxj index: %w", err), s.close())
	}
	return errors.Join(append(damaged, s.close())...)
}

// RebuildIndex replaces the index at indexPath with one made from the WARC
// files (directories expand to the WARC files inside them). Damaged files
// are indexed as far as they can be read; the index is still replaced and
// the error matches ErrDamagedWARC.
func RebuildIndex(ctx context.Context, warcPaths []string, indexPath string) error {
	files, err := ExpandWARCPaths(warcPaths)
	if err != nil {
		return err
	}
	var damaged error
	err = replaceFile(indexPath, func(out io.Writer) error {
		err := IndexFiles(ctx, files, out)
		if errors.Is(err, ErrDamagedWARC) {
			damaged, err = err, nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("rebuild cdxj index %q: %w", indexPath, err)
	}
	return damaged
}

// indexEntry is what pywb's indexer keeps of a record while it pairs
// requests with their responses.
type indexEntry struct {
	written      Written
	id           string
	concurrentTo string
	method       string // request records only
}

// indexFile emits the CDXJ lines of one file. Like pywb (wb-manager uses
// its append-POST mode), it gives a response, revisit or resource its
// request's method when the request is the record just before or after it,
// has the same target URI, and the later of the two names the earlier in
// WARC-Concurrent-To.
func indexFile(ctx context.Context, path string, emit func(string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open warc file %q: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, _ := br.Peek(2)
	compressed := len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
	r, err := gowarc.NewWarcFileReaderFromStream(br, 0,
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrIgnore),
		gowarc.WithSpecViolationPolicy(gowarc.ErrIgnore),
		gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore))
	if err != nil {
		return fmt.Errorf("read warc file %q: %w", path, err)
	}
	defer r.Close()

	var prev *indexEntry
	var bad []error
	flush := func(e *indexEntry) error {
		if e == nil || e.written.Type == "request" {
			return nil
		}
		line, err := CDXJLine(e.written)
		if err != nil {
			// A URL pywb cannot key either: leave the record out, go on.
			bad = append(bad, fmt.Errorf("index %q: record at offset %d: %w: %w", path, e.written.Offset, ErrDamagedWARC, err))
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
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ferr := flush(prev); ferr != nil {
				return ferr
			}
			return errors.Join(append(bad, fmt.Errorf("index %q: record at offset %d: %w: %w", path, rec.Offset, ErrDamagedWARC, err))...)
		}
		e, err := newIndexEntry(rec, filepath.Base(path), compressed)
		rec.Close()
		if err != nil {
			// pywb cannot index such a record either; go on with the rest.
			bad = append(bad, fmt.Errorf("index %q: record at offset %d: %w: %w", path, rec.Offset, ErrDamagedWARC, err))
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
	if err := flush(prev); err != nil {
		return err
	}
	return errors.Join(bad...)
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

// newIndexEntry describes a gowarc record the way warcio parses it for
// pywb. It returns nil for records pywb leaves out before pairing (those
// holding application/warc-fields, such as warcinfo).
func newIndexEntry(rec gowarc.Record, file string, compressed bool) (*indexEntry, error) {
	h := rec.WarcRecord.WarcHeader()
	if h.Get(gowarc.ContentType) == "application/warc-fields" {
		return nil, nil
	}
	w := Written{
		RecordID:      h.Get(gowarc.WarcRecordID),
		Type:          rec.WarcRecord.Type().String(),
		TargetURI:     stripAngles(h.Get(gowarc.WarcTargetURI)),
		File:          file,
		Offset:        rec.Offset,
		Length:        rec.Size,
		PayloadDigest: h.Get(gowarc.WarcPayloadDigest),
	}
	if !compressed {
		w.Length -= 4 // warcio leaves the end marker out of an uncompressed record's length
	}
	if d := h.Get(gowarc.WarcDate); d != "" {
		t, err := time.Parse(time.RFC3339Nano, d)
		if err != nil {
			return nil, fmt.Errorf("read WARC-Date of %s: %w", w.RecordID, err)
		}
		w.Date = t
	}
	e := &indexEntry{written: w, id: w.RecordID, concurrentTo: h.Get(gowarc.WarcConcurrentTo)}
	head := httpHead(rec.WarcRecord)
	isHTTP := head != "" && (strings.HasPrefix(w.TargetURI, "http:") || strings.HasPrefix(w.TargetURI, "https:"))
	switch {
	case w.Type == "request" && isHTTP:
		e.method, _, _ = strings.Cut(head, " ")
	case (w.Type == "response" || w.Type == "revisit") && isHTTP:
		e.written.HTTPStatus, e.written.MIME = parseHTTPHead(head)
	default:
		// warcio makes up "200 OK" with the WARC Content-Type for records
		// it does not parse as HTTP.
		e.written.HTTPStatus, e.written.MIME = 200, h.Get(gowarc.ContentType)
	}
	return e, nil
}

// httpHead returns the HTTP start line and header gowarc parsed from the
// block, or "" when it parsed none.
func httpHead(rec gowarc.WarcRecord) string {
	if hb, ok := rec.Block().(gowarc.ProtocolHeaderBlock); ok {
		return string(hb.ProtocolHeaderBytes())
	}
	return ""
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
