package warc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// finalHead finds the status line and header of the final response in a
// captured block the simple way: cut at each blank line and skip 1xx
// interim responses other than 101.
func finalHead(t *testing.T, block []byte) []byte {
	t.Helper()
	rest := block
	for {
		i := bytes.Index(rest, []byte(crlfcrlf))
		if i < 0 {
			t.Fatalf("no header end in %q", block)
		}
		head := rest[:i+4]
		if bytes.HasPrefix(head, []byte("HTTP/1.1 1")) && !bytes.HasPrefix(head, []byte("HTTP/1.1 101")) {
			rest = rest[i+4:]
			continue
		}
		return head
	}
}

func TestPrepareFacts(t *testing.T) {
	s := newCaptureServer(t)
	for _, tc := range exchangeCases(t, s) {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Prepare(tc.ex)
			if err != nil {
				t.Fatal(err)
			}
			wantDigest, wantSize := "", int64(0)
			if tc.wantPayload != nil {
				wantDigest, wantSize = sha1Base32(*tc.wantPayload), int64(len(*tc.wantPayload))
			}
			if p.PayloadDigest() != wantDigest || p.PayloadSize() != wantSize || p.HTTPStatus() != tc.wantStatus ||
				p.MIME() != tc.wantMIME || p.TargetURI() != tc.ex.TargetURI {
				t.Errorf("Prepare gives digest %q size %d status %d mime %q uri %q; want %q %d %d %q %q",
					p.PayloadDigest(), p.PayloadSize(), p.HTTPStatus(), p.MIME(), p.TargetURI(),
					wantDigest, wantSize, tc.wantStatus, tc.wantMIME, tc.ex.TargetURI)
			}
			if tc.wantMethod != "" && p.Method() != tc.wantMethod {
				t.Errorf("method %q, want %q", p.Method(), tc.wantMethod)
			}
		})
	}
}

type revisitCase struct {
	name       string
	first      Exchange // archived in full
	second     Exchange // the later capture written as a revisit
	method     string
	mime       string
	gowarcDiff bool // gowarc's payload digest of the response includes chunk framing
	interim    bool // the response starts with a 100 Continue
}

func revisitCases(t *testing.T, s *captureServer) []revisitCase {
	t0 := time.Date(2025, 3, 1, 12, 30, 45, 123456789, time.UTC)
	t1 := t0.Add(26*time.Hour + 1500*time.Millisecond)
	mk := func(uri string, date time.Time, req []byte) Exchange {
		return Exchange{TargetURI: uri, IP: "127.0.0.1", Date: date, Request: req, Response: bytes.NewReader(s.capture(t, req))}
	}
	base := "http://" + s.addr
	get := func(path string) []byte { return s.request("GET", path, "") }
	post := s.request("POST", "/continue", "Content-Type: text/plain\r\nContent-Length: 11\r\nExpect: 100-continue\r\n")
	post = append(post, "hello world"...)
	return []revisitCase{
		{name: "same url", first: mk(base+"/page", t0, get("/page")), second: mk(base+"/page", t1, get("/page")),
			method: "GET", mime: "text/html"},
		{name: "other url same payload", first: mk(base+"/page", t0, get("/page")), second: mk(base+"/copy-of-page", t1, get("/page")),
			method: "GET", mime: "text/html"},
		{name: "chunked", first: mk(base+"/chunked", t0, get("/chunked")), second: mk(base+"/chunked", t1, get("/chunked")),
			method: "GET", mime: "text/plain", gowarcDiff: true},
		{name: "gzip content encoding", first: mk(base+"/gzip", t0, get("/gzip")), second: mk(base+"/gzip", t1, get("/gzip")),
			method: "GET", mime: "text/html"},
		{name: "100 continue is left out", first: mk(base+"/continue", t0, post), second: mk(base+"/continue", t1, post),
			method: "POST", mime: "text/plain", gowarcDiff: true, interim: true},
	}
}

func TestWriteRevisit(t *testing.T) {
	s := newCaptureServer(t)
	for _, version := range []string{"1.1", "1.0"} {
		for _, tc := range revisitCases(t, s) {
			t.Run(version+"/"+tc.name, func(t *testing.T) {
				dir := t.TempDir()
				w := newTestWriter(t, Options{Dir: dir, Version: version, Info: Info{Software: "arkisto-test"}})
				orig, _, err := w.WriteExchange(tc.first)
				if err != nil {
					t.Fatal(err)
				}
				p, err := Prepare(tc.second)
				if err != nil {
					t.Fatal(err)
				}
				if p.PayloadDigest() != orig.PayloadDigest || p.PayloadDigest() == "" {
					t.Fatalf("second capture's payload digest %q, the original's %q", p.PayloadDigest(), orig.PayloadDigest)
				}
				rev, req, err := w.WriteRevisit(p, Ref{TargetURI: orig.TargetURI, Date: orig.Date, RecordID: orig.RecordID})
				if err != nil {
					t.Fatal(err)
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				checkRevisitFile(t, filepath.Join(dir, rev.File), version, tc, orig, rev, req)
			})
		}
	}
}

func checkRevisitFile(t *testing.T, path, version string, tc revisitCase, orig, rev, req Written) {
	t.Helper()
	recs := readMembersByHand(t, path)
	if len(recs) != 5 {
		t.Fatalf("%d records, want warcinfo, response, request, revisit, request", len(recs))
	}
	gotOrig, gotRev, gotReq := recs[1], recs[3], recs[4]
	head := finalHead(t, blockBytes(t, tc.second.Response))
	if rev.Type != "revisit" || rev.PayloadDigest != orig.PayloadDigest || rev.HTTPStatus != 200 ||
		rev.MIME != tc.mime || rev.Method != tc.method || rev.TargetURI != tc.second.TargetURI {
		t.Errorf("revisit Written %+v", rev)
	}
	checkHandRecord(t, gotRev, rev, head, version)
	checkHandRecord(t, gotReq, req, tc.second.Request, version)

	profile := "http://netpreserve.org/warc/" + version + "/revisit/identical-payload-digest"
	for _, c := range []struct{ field, want string }{
		{"WARC-Profile", profile},
		{"WARC-Truncated", "length"},
		{"WARC-Refers-To", orig.RecordID},
		{"WARC-Refers-To-Target-URI", tc.first.TargetURI},
		{"WARC-Refers-To-Date", gotOrig.get("WARC-Date")}, // the original's own text, to the digit
		{"Content-Type", "application/http;msgtype=response"},
		{"WARC-IP-Address", "127.0.0.1"},
		{"WARC-Concurrent-To", req.RecordID},
		{"WARC-Warcinfo-ID", recs[0].get("WARC-Record-ID")},
	} {
		if got := gotRev.get(c.field); got != c.want {
			t.Errorf("revisit %s = %q, want %q", c.field, got, c.want)
		}
	}
	if gotReq.get("WARC-Concurrent-To") != rev.RecordID {
		t.Errorf("request WARC-Concurrent-To %q, want the revisit %s", gotReq.get("WARC-Concurrent-To"), rev.RecordID)
	}
	if !strings.HasSuffix(gotRev.get("WARC-Refers-To-Date"), "Z") {
		t.Errorf("WARC-Refers-To-Date %q is not UTC", gotRev.get("WARC-Refers-To-Date"))
	}
	for _, wr := range []Written{orig, rev, req} {
		checkMemberAt(t, path, wr, version)
	}
	checkWithGowarc(t, path, version, recs, tc.gowarcDiff, "")

	rep, err := ValidateFile(context.Background(), path, ValidateOptions{})
	if err != nil || rep.Problems != 0 || rep.Records != 5 {
		t.Errorf("ValidateFile = %+v, %v; want 5 clean records", rep, err)
	}
	checkRevisitIndex(t, path, orig, rev, tc.interim)
}

// checkRevisitIndex requires the crawl-time CDXJ line of the revisit to be
// the line an index rebuilt from the file has (the path tested against pywb
// itself in cdxj_test.go), and to have the fields, in the order, of the
// revisit lines pywb wrote for the golden files.
//
// The original's line is compared too, except behind a 100 Continue: pywb
// indexes such a response by its interim status line ("100", mime "unk"),
// while Written carries the final status and type.
func checkRevisitIndex(t *testing.T, path string, orig, rev Written, interim bool) {
	t.Helper()
	var rebuilt bytes.Buffer
	if err := IndexFiles(context.Background(), []string{path}, &rebuilt); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(rebuilt.String(), "\n"), "\n")
	for _, w := range []Written{orig, rev} {
		line, err := CDXJLine(w)
		if err != nil || line == "" {
			t.Fatalf("CDXJLine(%s) = %q, %v", w.Type, line, err)
		}
		if !slices.Contains(lines, line) && !(interim && w.Type == "response") {
			t.Errorf("crawl-time line\n%s\nnot in the rebuilt index:\n%s", line, rebuilt.String())
		}
	}
	if len(lines) != 2 {
		t.Errorf("rebuilt index has %d lines, want the response's and the revisit's:\n%s", len(lines), rebuilt.String())
	}

	revLine, _ := CDXJLine(rev)
	golden, err := os.ReadFile(goldenIndex)
	if err != nil {
		t.Fatal(err)
	}
	var pywbRevisit string
	for _, l := range strings.Split(string(golden), "\n") {
		if strings.Contains(l, `"mime": "warc/revisit"`) && strings.Contains(l, ".warc.gz") {
			pywbRevisit = l
		}
	}
	wantKeys := cdxjKeys(t, pywbRevisit)
	if rev.Method != "GET" {
		wantKeys = slices.Insert(wantKeys, len(wantKeys)-1, "method") // pywb's POST and HEAD lines
	}
	got := cdxjFields(t, revLine)
	if keys := cdxjKeys(t, revLine); !slices.Equal(keys, wantKeys) {
		t.Errorf("revisit line has fields %v, pywb's revisit lines %v", keys, wantKeys)
	}
	if got["mime"] != "warc/revisit" || got["digest"] != strings.TrimPrefix(orig.PayloadDigest, "sha1:") {
		t.Errorf("revisit line %s", revLine)
	}
}

func cdxjJSON(t *testing.T, line string) string {
	t.Helper()
	parts := strings.SplitN(line, " ", 3)
	if len(parts) != 3 {
		t.Fatalf("cdxj line %q is not SURT TIMESTAMP JSON", line)
	}
	return parts[2]
}

func cdxjKeys(t *testing.T, line string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(cdxjJSON(t, line)))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func cdxjFields(t *testing.T, line string) map[string]string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal([]byte(cdxjJSON(t, line)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWriteRevisitRejects(t *testing.T) {
	s := newCaptureServer(t)
	req := s.request("GET", "/page", "")
	page := Exchange{TargetURI: "http://example.test/page", Request: req, Response: bytes.NewReader(s.capture(t, req))}
	garbage := Exchange{TargetURI: "http://example.test/x", Request: req, Response: bytes.NewReader([]byte("\x16\x03\x01 not http"))}
	ok := Ref{TargetURI: "http://example.test/page", Date: time.Now(), RecordID: "<urn:uuid:0b1c0d5e-0000-4000-8000-000000000000>"}
	tests := []struct {
		name string
		ex   Exchange
		ref  func(Ref) Ref
		want error
	}{
		{name: "no payload digest", ex: garbage, ref: func(r Ref) Ref { return r }, want: ErrNoPayloadDigest},
		{name: "no original uri", ex: page, ref: func(r Ref) Ref { r.TargetURI = ""; return r }},
		{name: "line break in original uri", ex: page, ref: func(r Ref) Ref { r.TargetURI += "\r\nWARC-Type: x"; return r }},
		{name: "zero original date", ex: page, ref: func(r Ref) Ref { r.Date = time.Time{}; return r }},
		{name: "record id without brackets", ex: page, ref: func(r Ref) Ref { r.RecordID = "urn:uuid:x"; return r }},
		{name: "line break in record id", ex: page, ref: func(r Ref) Ref { r.RecordID = "<a\r\nb>"; return r }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w := newTestWriter(t, Options{Dir: dir})
			p, err := Prepare(tc.ex)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = w.WriteRevisit(p, tc.ref(ok))
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if files := warcFiles(t, dir); len(files) != 0 {
				t.Errorf("rejected revisit left files %v", files)
			}
		})
	}
	t.Run("without record id", func(t *testing.T) {
		dir := t.TempDir()
		w := newTestWriter(t, Options{Dir: dir})
		p, err := Prepare(page)
		if err != nil {
			t.Fatal(err)
		}
		ref := ok
		ref.RecordID = ""
		rev, _, err := w.WriteRevisit(p, ref)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		recs := readMembersByHand(t, filepath.Join(dir, rev.File))
		if _, has := recs[1].fields["warc-refers-to"]; has || recs[1].get("WARC-Refers-To-Target-URI") != ok.TargetURI {
			t.Errorf("revisit header %v", recs[1].fields)
		}
		rep, err := ValidateFile(context.Background(), filepath.Join(dir, rev.File), ValidateOptions{})
		if err != nil || rep.Problems != 0 {
			t.Errorf("ValidateFile = %+v, %v", rep, err)
		}
	})
	t.Run("after close", func(t *testing.T) {
		w := newTestWriter(t, Options{})
		p, err := Prepare(page)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.WriteRevisit(p, ok); !errors.Is(err, ErrWriterClosed) {
			t.Errorf("error %v, want ErrWriterClosed", err)
		}
	})
}

// A Prepared can be written more than once (a retry after a failed write):
// each write gets its own record IDs.
func TestWritePreparedTwice(t *testing.T) {
	s := newCaptureServer(t)
	req := s.request("GET", "/page", "")
	p, err := Prepare(Exchange{TargetURI: "http://example.test/page", Request: req, Response: bytes.NewReader(s.capture(t, req))})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w := newTestWriter(t, Options{Dir: dir})
	a, _, err := w.WritePrepared(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := w.WritePrepared(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if a.RecordID == b.RecordID || a.BlockDigest != b.BlockDigest || !a.Date.Equal(b.Date) {
		t.Errorf("two writes of one Prepared: %+v and %+v", a, b)
	}
	rep, err := ValidateFile(context.Background(), filepath.Join(dir, a.File), ValidateOptions{})
	if err != nil || rep.Problems != 0 || rep.Records != 5 {
		t.Errorf("ValidateFile = %+v, %v", rep, err)
	}
}
