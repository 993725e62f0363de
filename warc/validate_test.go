package warc

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const (
	chunkedMsg = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
	chunkedRaw = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
	reqID      = "44444444-0000-4000-8000-000000000001"
)

func okResponse() recSpec {
	return response("44444444-0000-4000-8000-000000000002", "http://example.com/", okHTML, "hello")
}

func revisit() recSpec {
	block := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\n"
	return recSpec{headers: []string{
		"WARC-Type: revisit",
		"WARC-Record-ID: <urn:uuid:44444444-0000-4000-8000-000000000003>",
		"WARC-Date: " + testDate,
		"WARC-Target-URI: http://example.com/",
		"Content-Type: application/http; msgtype=response",
		"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
		"WARC-Refers-To-Target-URI: http://example.com/",
		"WARC-Refers-To-Date: 2024-01-01T00:00:00Z",
		"WARC-Block-Digest: " + sha1b32(block),
		"WARC-Payload-Digest: " + sha1b32("hello"),
	}, block: block}
}

// members gzips each record into its own member.
func members(specs ...recSpec) [][]byte {
	out := make([][]byte, len(specs))
	for i, s := range specs {
		out[i] = gz(s.bytes())
	}
	return out
}

func plainRecords(specs ...recSpec) [][]byte {
	out := make([][]byte, len(specs))
	for i, s := range specs {
		out[i] = s.bytes()
	}
	return out
}

func withBadCRC(member []byte) []byte {
	b := slices.Clone(member)
	b[len(b)-8] ^= 0xff
	return b
}

func split(b []byte, at int) [][]byte { return [][]byte{b[:at], b[at:]} }

func digestOf(label string, sum []byte, base16 bool) string {
	if base16 {
		return label + ":" + hex.EncodeToString(sum)
	}
	return label + ":" + base32.StdEncoding.EncodeToString(sum)
}

// TestValidateFindsPlantedFaults plants one fault per file and checks that
// exactly that fault is reported, on exactly the right records.
func TestValidateFindsPlantedFaults(t *testing.T) {
	ok := okResponse()
	okBytes := ok.bytes()
	sha256Sum := sha256.Sum256([]byte(okHTML))
	md5Sum := md5.Sum([]byte(okHTML))
	headReq := request(reqID, "http://example.com/h", "HEAD /h HTTP/1.1\r\nHost: example.com\r\n\r\n")
	headResp := response("44444444-0000-4000-8000-000000000005", "http://example.com/h",
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1234\r\n\r\n", "",
		"WARC-Concurrent-To: <urn:uuid:"+reqID+">")

	type tc struct {
		name    string
		file    string
		parts   [][]byte
		raw     bool
		records int
		bad     [][]ProblemCode // problem codes of each bad record, in file order
	}
	gzFile := func(name string, specs ...recSpec) tc {
		return tc{name: name, file: "t.warc.gz", parts: members(append([]recSpec{warcinfo()}, specs...)...), records: 1 + len(specs)}
	}
	with := func(c tc, bad ...[]ProblemCode) tc { c.bad = bad; return c }
	cases := []tc{
		gzFile("clean file", request(reqID, "http://example.com/", "GET / HTTP/1.1\r\n\r\n"), ok, revisit()),
		with(gzFile("version 2.0", recSpec{version: "WARC/2.0", headers: ok.headers, block: ok.block}), []ProblemCode{ProblemVersion}),
		with(gzFile("version line without CR", recSpec{rawFirst: "WARC/1.1\n", headers: ok.headers, block: ok.block}), []ProblemCode{ProblemVersion}),
		with(gzFile("no record id", ok.without("WARC-Record-ID")), []ProblemCode{ProblemMissingHeader}),
		with(gzFile("no date", ok.without("WARC-Date")), []ProblemCode{ProblemMissingHeader}),
		with(gzFile("no type", warcinfo().without("WARC-Type")), []ProblemCode{ProblemMissingHeader}),
		with(gzFile("no content-length", recSpec{headers: ok.headers, block: ok.block, noLength: true}), []ProblemCode{ProblemMissingHeader}),
		with(gzFile("no target uri", ok.without("WARC-Target-URI")), []ProblemCode{ProblemMissingHeader}),
		with(gzFile("content-length too small", ok.with("Content-Length", strconv.Itoa(len(okHTML)-3))), []ProblemCode{ProblemContentLength}),
		with(gzFile("content-length too large", ok.with("Content-Length", strconv.Itoa(len(okHTML)+3))), []ProblemCode{ProblemContentLength}),
		with(gzFile("content-length not a number", ok.with("Content-Length", "many")), []ProblemCode{ProblemContentLength}),
		with(gzFile("no end marker", recSpec{headers: ok.headers, block: ok.block, end: "none"}), []ProblemCode{ProblemEndMarker}),
		with(gzFile("short end marker", recSpec{headers: ok.headers, block: ok.block, end: "\r\n"}), []ProblemCode{ProblemEndMarker}),
		with(tc{name: "two records in one member", file: "t.warc.gz", records: 3,
			parts: [][]byte{gz(warcinfo().bytes()), gz(request(reqID, "http://example.com/", "GET / HTTP/1.1\r\n\r\n").bytes(), okBytes)}},
			[]ProblemCode{ProblemGzipMember}, []ProblemCode{ProblemGzipMember}),
		with(tc{name: "empty member", file: "t.warc.gz", records: 2,
			parts: [][]byte{gz(warcinfo().bytes()), gz(), gz(okBytes)}},
			[]ProblemCode{ProblemGzipMember}),
		with(tc{name: "record split over two members", file: "t.warc.gz", records: 2,
			parts: append([][]byte{gz(warcinfo().bytes())}, members2(split(okBytes, len(okBytes)-20))...)},
			[]ProblemCode{ProblemGzipMember}, []ProblemCode{ProblemNotWARC}),
		with(tc{name: "member cut in its trailer", file: "t.warc.gz", records: 2,
			parts: [][]byte{gz(warcinfo().bytes()), gz(okBytes)[:len(gz(okBytes))-6]}},
			[]ProblemCode{ProblemTruncated}),
		with(tc{name: "member cut in the middle", file: "t.warc.gz", records: 2,
			parts: [][]byte{gz(warcinfo().bytes()), gz(okBytes)[:len(gz(okBytes))/2]}},
			[]ProblemCode{ProblemTruncated}),
		with(tc{name: "member with bad crc", file: "t.warc.gz", records: 3,
			parts: [][]byte{gz(warcinfo().bytes()), withBadCRC(gz(okBytes)), gz(okBytes)}},
			[]ProblemCode{ProblemGzip}),
		with(tc{name: "garbage after the last member", file: "t.warc.gz", records: 1,
			parts: [][]byte{gz(warcinfo().bytes()), []byte("garbage!")}},
			[]ProblemCode{ProblemNotWARC}),
		with(gzFile("wrong block digest", ok.with("WARC-Block-Digest", sha1b32("x"))), []ProblemCode{ProblemBlockDigest}),
		with(gzFile("unreadable block digest", ok.with("WARC-Block-Digest", "foo:bar")), []ProblemCode{ProblemBlockDigest}),
		gzFile("sha256 base16 block digest", ok.with("WARC-Block-Digest", digestOf("sha256", sha256Sum[:], true))),
		gzFile("sha256 base32 block digest", ok.with("WARC-Block-Digest", digestOf("sha-256", sha256Sum[:], false))),
		gzFile("md5 block digest", ok.with("WARC-Block-Digest", digestOf("md5", md5Sum[:], true))),
		gzFile("lower-case base32 digest", ok.with("WARC-Block-Digest", strings.ToLower(sha1b32(okHTML)))),
		with(gzFile("wrong payload digest", ok.with("WARC-Payload-Digest", sha1b32("x"))), []ProblemCode{ProblemPayloadDigest}),
		gzFile("chunked, de-chunked digest", response("44444444-0000-4000-8000-000000000006", "http://example.com/c", chunkedMsg, "hello world")),
		with(tc{name: "chunked, de-chunked digest, raw check", file: "t.warc.gz", raw: true, records: 1,
			parts: members(response("44444444-0000-4000-8000-000000000006", "http://example.com/c", chunkedMsg, "hello world"))},
			[]ProblemCode{ProblemPayloadDigest}),
		with(gzFile("chunked, raw digest", response("44444444-0000-4000-8000-000000000007", "http://example.com/c", chunkedMsg, chunkedRaw)),
			[]ProblemCode{ProblemPayloadDigest}),
		{name: "chunked, raw digest, raw check", file: "t.warc.gz", raw: true, records: 1,
			parts: members(response("44444444-0000-4000-8000-000000000007", "http://example.com/c", chunkedMsg, chunkedRaw))},
		gzFile("response to HEAD", headReq, headResp),
		gzFile("interim 100 response", response("44444444-0000-4000-8000-000000000008", "http://example.com/p",
			"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok")),
		gzFile("body cut by WARC-Truncated", response("44444444-0000-4000-8000-000000000009", "http://example.com/t",
			"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello", "hello", "WARC-Truncated: length")),
		with(gzFile("date with offset", ok.with("WARC-Date", "2024-05-06T09:08:09+02:00")), []ProblemCode{ProblemDate}),
		with(gzFile("date with space", ok.with("WARC-Date", "2024-05-06 07:08:09Z")), []ProblemCode{ProblemDate}),
		with(gzFile("month 13", ok.with("WARC-Date", "2024-13-06T07:08:09Z")), []ProblemCode{ProblemDate}),
		gzFile("date with fraction", ok.with("WARC-Date", "2024-05-06T07:08:09.123456Z")),
		with(gzFile("revisit without refers-to uri", revisit().without("WARC-Refers-To-Target-URI")), []ProblemCode{ProblemRevisit}),
		with(gzFile("revisit without refers-to headers", revisit().without("WARC-Refers-To-Target-URI").without("WARC-Refers-To-Date")),
			[]ProblemCode{ProblemRevisit, ProblemRevisit}),
		with(gzFile("header line without colon", recSpec{headers: append(slices.Clone(ok.headers), "Bogus line"), block: ok.block}),
			[]ProblemCode{ProblemHeader}),
		{name: "plain clean", file: "t.warc", records: 3, parts: plainRecords(warcinfo(), ok, revisit())},
		with(tc{name: "plain truncated", file: "t.warc", records: 2, parts: [][]byte{warcinfo().bytes(), okBytes[:len(okBytes)-20]}},
			[]ProblemCode{ProblemTruncated}),
		with(tc{name: "plain content-length too small", file: "t.warc", records: 3,
			parts: plainRecords(warcinfo(), ok.with("Content-Length", strconv.Itoa(len(okHTML)-3)), warcinfo())},
			[]ProblemCode{ProblemContentLength}),
		with(tc{name: "plain garbage first", file: "t.warc", records: 1, parts: [][]byte{[]byte("junk\r\n"), warcinfo().bytes()}},
			[]ProblemCode{ProblemNotWARC}),
		with(tc{name: "plain without end marker", file: "t.warc", records: 1,
			parts: plainRecords(recSpec{headers: ok.headers, block: ok.block, end: "none"})},
			[]ProblemCode{ProblemEndMarker}),
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, c.file, c.parts...)
			rep, err := ValidateFile(context.Background(), path, ValidateOptions{RawPayloadDigest: c.raw})
			if err != nil {
				t.Fatal(err)
			}
			var got [][]ProblemCode
			total := 0
			for _, b := range rep.Bad {
				var codes []ProblemCode
				for _, p := range b.Problems {
					codes = append(codes, p.Code)
				}
				got = append(got, codes)
				total += len(codes)
			}
			if !slices.EqualFunc(got, c.bad, slices.Equal) || rep.Records != c.records || rep.Problems != total {
				t.Fatalf("records %d, problems %d, bad %v; want records %d, bad %v\nreport: %+v",
					rep.Records, rep.Problems, got, c.records, c.bad, rep.Bad)
			}
		})
	}
}

func members2(parts [][]byte) [][]byte {
	out := make([][]byte, len(parts))
	for i, p := range parts {
		out[i] = gz(p)
	}
	return out
}

// TestValidatePywbFiles checks the warcio-written golden files: clean by
// our rule, and under the raw rule exactly the chunked response fails, as
// `warcio check` says of the same file.
func TestValidatePywbFiles(t *testing.T) {
	for _, tc := range []struct {
		raw     bool
		badURIs []string
	}{
		{false, nil},
		{true, []string{"http://example.com/chunked"}},
	} {
		t.Run("raw="+strconv.FormatBool(tc.raw), func(t *testing.T) {
			sum, err := ValidatePaths(context.Background(), []string{"testdata/pywb"}, ValidateOptions{RawPayloadDigest: tc.raw})
			if err != nil {
				t.Fatal(err)
			}
			var bad []string
			for _, rep := range sum.Reports {
				for _, b := range rep.Bad {
					bad = append(bad, b.TargetURI)
				}
			}
			if sum.Files != 2 || sum.Records != 52 || !slices.Equal(bad, tc.badURIs) || sum.OK() != (tc.badURIs == nil) {
				t.Fatalf("summary %+v, bad %v; want 2 files, 52 records, bad %v", sum, bad, tc.badURIs)
			}
		})
	}
}

func TestValidateFileHonoursCancel(t *testing.T) {
	path := writeFile(t, "t.warc.gz", members(warcinfo(), okResponse())...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ValidateFile(ctx, path, ValidateOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("ValidateFile with a cancelled context = %v", err)
	}
}

// TestValidatePathsExpandsDirectories checks which files a directory
// stands for, the summary counts, and the JSON that --json prints.
func TestValidatePathsExpandsDirectories(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"a.warc.gz":      bytes.Join(members(warcinfo(), okResponse()), nil),
		"b.warc":         bytes.Join(plainRecords(warcinfo(), okResponse().with("WARC-Date", "yesterday")), nil),
		"notes.txt":      []byte("not a warc"),
		"c.warc.gz.open": []byte("being written"),
		"sub/d.warc":     warcinfo().bytes(),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := ValidatePaths(context.Background(), []string{dir}, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files != 2 || sum.Records != 4 || sum.Problems != 1 || sum.OK() {
		t.Fatalf("summary %+v, want 2 files, 4 records, 1 problem", sum)
	}
	out, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Files   int `json:"files"`
		Reports []struct {
			Path string `json:"path"`
			Bad  []struct {
				Offset   int64  `json:"offset"`
				RecordID string `json:"record_id"`
				Problems []struct {
					Code ProblemCode `json:"code"`
				} `json:"problems"`
			} `json:"bad_records"`
		} `json:"reports"`
	}
	if err := json.Unmarshal(out, &decoded); err != nil {
		t.Fatal(err)
	}
	r := decoded.Reports[1]
	if decoded.Files != 2 || filepath.Base(r.Path) != "b.warc" || len(r.Bad) != 1 ||
		r.Bad[0].Offset != int64(len(warcinfo().bytes())) || r.Bad[0].Problems[0].Code != ProblemDate {
		t.Fatalf("JSON report %s", out)
	}
	if _, err := ValidatePaths(context.Background(), []string{filepath.Join(dir, "missing.warc")}, ValidateOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("ValidatePaths of a missing file = %v", err)
	}
}

func TestValidatePlainContentLengthOffByTwo(t *testing.T) {
	ok := okResponse()
	for _, delta := range []int{-2, 2} {
		t.Run(strconv.Itoa(delta), func(t *testing.T) {
			path := writeFile(t, "t.warc", plainRecords(ok.with("Content-Length", strconv.Itoa(len(okHTML)+delta)), warcinfo())...)
			rep, err := ValidateFile(context.Background(), path, ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Records != 2 || len(rep.Bad) != 1 || len(rep.Bad[0].Problems) != 1 || rep.Bad[0].Problems[0].Code != ProblemContentLength {
				t.Fatalf("report %+v, want one content-length problem and both records", rep)
			}
		})
	}
}
