package warc

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/nlnwa/gowarc/v3"
)

// gowarcRecords reads data with gowarc the way a lenient indexer would and
// returns the WARC-Record-ID of each record it hands back, and its error.
func gowarcRecords(t *testing.T, data []byte) ([]string, error) {
	t.Helper()
	r, err := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(data), 0,
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrIgnore),
		gowarc.WithSpecViolationPolicy(gowarc.ErrIgnore),
		gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ids []string
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return ids, nil
		}
		if err != nil {
			return ids, err
		}
		ids = append(ids, rec.WarcRecord.WarcHeader().Get(gowarc.WarcRecordID))
		_ = rec.Close()
	}
}

// TestGowarcReadingTraps records why the package reads WARC files with its
// own Reader rather than gowarc's (doc.go): each case is gowarc v3.1.0's
// behaviour. If one fails after an upgrade, gowarc changed: see whether
// it can now serve the index or the validator.
func TestGowarcReadingTraps(t *testing.T) {
	t.Run("a second record in a gzip member vanishes", func(t *testing.T) {
		info := warcinfo()
		second := warcinfo().with("WARC-Record-ID", "<urn:uuid:11111111-0000-4000-8000-000000000002>")
		ids, err := gowarcRecords(t, gz(info.bytes(), second.bytes()))
		if err != nil || len(ids) != 1 {
			t.Fatalf("gowarc read %v, %v; recorded behaviour: the first record only, no error", ids, err)
		}
	})
	t.Run("a Content-Length beyond the data passes", func(t *testing.T) {
		rec := okResponse().with("Content-Length", "2000000000")
		ids, err := gowarcRecords(t, gz(rec.bytes()))
		if err != nil || len(ids) != 1 {
			t.Fatalf("gowarc read %v, %v; recorded behaviour: the record, no error", ids, err)
		}
	})
	t.Run("a negative Content-Length swallows the records after it", func(t *testing.T) {
		bad := okResponse().with("Content-Length", "-5")
		ids, err := gowarcRecords(t, append(bad.bytes(), warcinfo().bytes()...))
		if err != nil || len(ids) != 1 {
			t.Fatalf("gowarc read %v, %v; recorded behaviour: one record, no error", ids, err)
		}
	})
	t.Run("a header line is held whole in memory", func(t *testing.T) {
		const size = 16 << 20
		data := "WARC/1.1\r\nX-Long: " + strings.Repeat("a", size) + "\r\n\r\n"
		u := gowarc.NewUnmarshaler(gowarc.WithSyntaxErrorPolicy(gowarc.ErrIgnore),
			gowarc.WithSpecViolationPolicy(gowarc.ErrIgnore), gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore))
		alloc := allocatedBy(func() { _, _, _, _ = u.Unmarshal(bufio.NewReader(strings.NewReader(data))) })
		t.Logf("gowarc allocated %d bytes reading a %d-byte header line", alloc, size)
		if alloc < size {
			t.Fatalf("gowarc allocated %d bytes for a %d-byte header line; recorded behaviour: at least the line", alloc, size)
		}
	})
	t.Run("a de-chunked payload digest is called wrong", func(t *testing.T) {
		rec := response("44444444-0000-4000-8000-000000000006", "http://example.com/c", chunkedMsg, "hello world")
		r, err := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(gz(rec.bytes())), 0)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		got, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		defer got.Close()
		var digestErr *gowarc.DigestError
		if len(got.Validation) != 1 || !errors.As(got.Validation[0], &digestErr) {
			t.Fatalf("gowarc found %v; recorded behaviour: one payload digest error on a correct (WARC 1.1) digest", got.Validation)
		}
	})
}
