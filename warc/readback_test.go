package warc

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
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// The record tests' two independent readers: one by hand, with no help
// from gowarc or the writer's code, and gowarc's; and what each must find.

// handRecord is one WARC record as the test's own reader found it, with no
// help from gowarc or from the writer's code.
type handRecord struct {
	offset, length int64  // the gzip member holding it
	version        string // "WARC/1.1"
	fields         map[string][]string
	block          []byte
}

func (r handRecord) get(name string) string {
	if v := r.fields[strings.ToLower(name)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// readMembersByHand walks a .warc.gz member by member. compress/gzip with
// Multistream(false) stops at each member's end, and bytes.Reader is an
// io.ByteReader, so the decompressor reads no further than the member and the
// reader's position is the next member's offset.
func readMembersByHand(t testing.TB, path string) []handRecord {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := bytes.NewReader(data)
	var records []handRecord
	for src.Len() > 0 {
		offset := int64(len(data) - src.Len())
		zr, err := gzip.NewReader(src)
		if err != nil {
			t.Fatalf("%s: member at %d: %v", path, offset, err)
		}
		zr.Multistream(false)
		member, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: member at %d: %v", path, offset, err)
		}
		rec := parseRecordByHand(t, member)
		rec.offset = offset
		rec.length = int64(len(data)-src.Len()) - offset
		records = append(records, rec)
	}
	return records
}

// parseRecordByHand requires exactly one record in member: version line,
// header, Content-Length bytes of block, CRLFCRLF, nothing after.
func parseRecordByHand(t testing.TB, member []byte) handRecord {
	t.Helper()
	head, rest, found := bytes.Cut(member, []byte("\r\n\r\n"))
	if !found {
		t.Fatalf("record header has no end: %q", member[:min(len(member), 200)])
	}
	lines := strings.Split(string(head), "\r\n")
	rec := handRecord{version: lines[0], fields: map[string][]string{}}
	for _, line := range lines[1:] {
		name, value, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("bad header line %q", line)
		}
		key := strings.ToLower(name)
		rec.fields[key] = append(rec.fields[key], value)
	}
	n, err := strconv.Atoi(rec.get("Content-Length"))
	if err != nil || n > len(rest) {
		t.Fatalf("content-length %q with %d bytes left", rec.get("Content-Length"), len(rest))
	}
	rec.block = rest[:n]
	if tail := string(rest[n:]); tail != "\r\n\r\n" {
		t.Fatalf("record %s: after the block %q, want exactly CRLFCRLF", rec.get("WARC-Record-ID"), tail)
	}
	return rec
}

func sha1Base32(p []byte) string {
	sum := sha1.Sum(p)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

// payloadByNetHTTP de-chunks an HTTP response with net/http, skipping 1xx
// interim responses; ok is false when it does not parse.
func payloadByNetHTTP(block []byte, method string) (body []byte, ok bool) {
	br := bufio.NewReader(bytes.NewReader(block))
	for {
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			return nil, false
		}
		if resp.StatusCode >= 200 {
			body, err := io.ReadAll(resp.Body)
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, false
			}
			return body, true
		}
	}
}

// checkHandRecord holds a record read by hand to what the writer said it
// wrote, and to the exact block the exchange carried.
func checkHandRecord(t testing.TB, got handRecord, want Written, block []byte, version string) {
	t.Helper()
	if got.version != "WARC/"+version {
		t.Errorf("version line %q, want WARC/%s", got.version, version)
	}
	checks := []struct{ field, got, want string }{
		{"WARC-Type", got.get("WARC-Type"), want.Type},
		{"WARC-Record-ID", got.get("WARC-Record-ID"), want.RecordID},
		{"WARC-Target-URI", got.get("WARC-Target-URI"), want.TargetURI},
		{"WARC-Block-Digest", got.get("WARC-Block-Digest"), want.BlockDigest},
		{"WARC-Payload-Digest", got.get("WARC-Payload-Digest"), want.PayloadDigest},
		{"recomputed block digest", sha1Base32(got.block), want.BlockDigest},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %s = %q, want %q", want.RecordID, c.field, c.got, c.want)
		}
	}
	if !bytes.Equal(got.block, block) {
		t.Errorf("%s: block differs from the captured bytes (%d vs %d bytes)", want.RecordID, len(got.block), len(block))
	}
	if got.offset != want.Offset || got.length != want.Length {
		t.Errorf("%s: member at %d+%d, Written says %d+%d", want.RecordID, got.offset, got.length, want.Offset, want.Length)
	}
	date, err := time.Parse(time.RFC3339Nano, got.get("WARC-Date"))
	if err != nil || !date.Equal(want.Date) || !strings.HasSuffix(got.get("WARC-Date"), "Z") {
		t.Errorf("%s: WARC-Date %q, Written.Date %v", want.RecordID, got.get("WARC-Date"), want.Date)
	}
}

// gowarcRecord is what gowarc's unmarshaler made of one record.
type gowarcRecord struct {
	id, typ    string
	version    string
	length     int64
	validation []error
}

// readWithGowarc reads path with gowarc's default (warning) validation,
// which checks both digests and every Content-Length.
func readWithGowarc(t testing.TB, path string) []gowarcRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := gowarc.NewUnmarshaler()
	br := bufio.NewReader(f)
	var records []gowarcRecord
	for {
		rec, skipped, validation, err := u.Unmarshal(br)
		if errors.Is(err, io.EOF) {
			return records
		}
		if err != nil {
			t.Fatalf("gowarc: record %d of %s: %v", len(records), path, err)
		}
		if skipped != 0 {
			t.Errorf("gowarc: skipped %d bytes before record %d", skipped, len(records))
		}
		length, _ := rec.ContentLength()
		records = append(records, gowarcRecord{
			id: "<" + rec.RecordId() + ">", typ: rec.Type().String(), version: rec.Version().String(),
			length: length, validation: validation,
		})
		if err := rec.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// gowarcFindings sorts gowarc's complaints about one record by kind, so
// tests can tell the known payload-digest disagreement from real faults.
func gowarcFindings(validation []error) (payloadMismatch bool, others []error) {
	for _, v := range validation {
		var de *gowarc.DigestError
		if errors.As(v, &de) && strings.HasPrefix(v.Error(), "payload:") {
			payloadMismatch = true
			continue
		}
		others = append(others, v)
	}
	return payloadMismatch, others
}

// checkWithGowarc requires gowarc to read the same records and to find
// nothing wrong but the payload digests it computes over chunk framing and,
// for a response written as garbage on purpose, respWarning.
func checkWithGowarc(t testing.TB, path, version string, want []handRecord, payloadDiffers bool, respWarning string) {
	t.Helper()
	got := readWithGowarc(t, path)
	if len(got) != len(want) {
		t.Fatalf("gowarc read %d records, the hand reader %d", len(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		if g.id != w.get("WARC-Record-ID") || g.typ != w.get("WARC-Type") || g.length != int64(len(w.block)) || g.version != "WARC/"+version {
			t.Errorf("gowarc record %d: %s %s %d v%s, hand reader: %s %s %d", i,
				g.id, g.typ, g.length, g.version, w.get("WARC-Record-ID"), w.get("WARC-Type"), len(w.block))
		}
		mismatch, others := gowarcFindings(g.validation)
		wantOthers := ""
		if g.typ == "response" {
			wantOthers = respWarning
		}
		if got := fmt.Sprint(errors.Join(others...)); (len(others) > 0 || wantOthers != "") && got != wantOthers {
			t.Errorf("gowarc finds fault with %s record: %q, want %q", g.typ, got, wantOthers)
		}
		if g.typ == "response" && mismatch != payloadDiffers {
			t.Errorf("gowarc payload mismatch %v, want %v: %v", mismatch, payloadDiffers, g.validation)
		}
		if g.typ != "response" && mismatch {
			t.Errorf("gowarc payload mismatch on %s: %v", g.typ, g.validation)
		}
	}
}
