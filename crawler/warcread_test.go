package crawler_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/nlnwa/gowarc/v3"

	"arkisto/crawler/cli/clitest"
)

// record is one WARC record as the independent reader below saw it.
type record struct {
	file   string
	header textproto.MIMEHeader
	block  []byte
}

func (r record) typ() string    { return r.header.Get("WARC-Type") }
func (r record) target() string { return r.header.Get("WARC-Target-URI") }

// readWARCs reads every .warc.gz file in dir with a reader written for the
// tests, independent of gowarc and of our warc package: one gzip member at a
// time, each must hold exactly one record whose Content-Length, block digest
// and de-chunked payload digest it checks itself.
func readWARCs(t *testing.T, dir string) []record {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no WARC files in %s (err %v)", dir, err)
	}
	var all []record
	for _, f := range files {
		recs, err := readWARC(f)
		if err != nil {
			t.Fatalf("independent reader: %v", err)
		}
		all = append(all, recs...)
	}
	return all
}

func readWARC(path string) ([]record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	br := bytes.NewReader(data)
	var recs []record
	for br.Len() > 0 {
		offset := len(data) - br.Len()
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s@%d: gzip member: %w", path, offset, err)
		}
		zr.Multistream(false)
		member, err := io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("%s@%d: truncated gzip member: %w", path, offset, err)
		}
		rec, err := parseRecord(member)
		if err != nil {
			return nil, fmt.Errorf("%s@%d: %w", path, offset, err)
		}
		rec.file = filepath.Base(path)
		recs = append(recs, rec)
	}
	return recs, nil
}

func parseRecord(member []byte) (record, error) {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(member)))
	version, err := tp.ReadLine()
	if err != nil || (version != "WARC/1.1" && version != "WARC/1.0") {
		return record{}, fmt.Errorf("bad version line %q", version)
	}
	hdr, err := tp.ReadMIMEHeader()
	if err != nil {
		return record{}, fmt.Errorf("warc headers: %w", err)
	}
	headLen := bytes.Index(member, []byte("\r\n\r\n")) + 4
	n, err := strconv.Atoi(hdr.Get("Content-Length"))
	if err != nil || headLen+n+4 != len(member) {
		return record{}, fmt.Errorf("Content-Length %q does not match a member of %d bytes", hdr.Get("Content-Length"), len(member))
	}
	block := member[headLen : headLen+n]
	if tail := member[headLen+n:]; string(tail) != "\r\n\r\n" {
		return record{}, errors.New("record not followed by CRLFCRLF")
	}
	rec := record{header: hdr, block: block}
	if got, want := sha1Base32(block), hdr.Get("WARC-Block-Digest"); got != want {
		return rec, fmt.Errorf("%s %s: block digest %s, header says %s", rec.typ(), rec.target(), got, want)
	}
	if rec.typ() == "response" {
		payload, err := httpPayload(block)
		if err != nil {
			return rec, fmt.Errorf("response %s: %w", rec.target(), err)
		}
		if got, want := sha1Base32(payload), hdr.Get("WARC-Payload-Digest"); got != want {
			return rec, fmt.Errorf("response %s: payload digest %s, header says %s", rec.target(), got, want)
		}
	}
	return rec, nil
}

// httpPayload is the entity body with the transfer encoding removed and the
// content encoding kept.
func httpPayload(block []byte) ([]byte, error) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(block)), nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func httpStatus(block []byte) int {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(block)), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func sha1Base32(b []byte) string {
	sum := sha1.Sum(b)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

// readWithGowarc reads every file with gowarc too, as other tools would
// (clitest.ReadWithGowarc: only a payload digest complaint is accepted, as
// gowarc hashes chunked payloads with their framing), and counts the
// records.
func readWithGowarc(t *testing.T, dir string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	count := 0
	for _, f := range files {
		count += clitest.ReadWithGowarc(t, f, func(gowarc.WarcRecord) {})
	}
	return count
}

// readArchive reads the WARC files of a crawl's archive with read
// (readWARCs, or readWARCsWithTruncated) once it checked that none was
// left open, and with gowarc, which must find as many records.
func readArchive(t *testing.T, archive string, read func(*testing.T, string) []record) []record {
	t.Helper()
	assertNoOpenFiles(t, archive)
	recs := read(t, archive)
	if n := readWithGowarc(t, archive); n != len(recs) {
		t.Errorf("gowarc read %d records, the independent reader %d", n, len(recs))
	}
	return recs
}
