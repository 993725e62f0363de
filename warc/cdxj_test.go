package warc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The golden index was written by pywb 2.10 (wb-manager add) for the WARC
// files beside it; testdata/pywb/make_golden.py rebuilds all three.
const goldenIndex = "testdata/pywb/index.cdxj"

var goldenWARCs = []string{"testdata/pywb/pywb-a.warc.gz", "testdata/pywb/pywb-b.warc"}

func TestIndexFilesMatchesPywb(t *testing.T) {
	want, err := os.ReadFile(goldenIndex)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := IndexFiles(context.Background(), goldenWARCs, &got); err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Fatalf("IndexFiles differs from pywb's index:\n--- got\n%s--- pywb\n%s", got.String(), want)
	}
}

func TestRebuildIndexReplacesIndex(t *testing.T) {
	want, err := os.ReadFile(goldenIndex)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	index := filepath.Join(dir, "indexes", "index.cdxj")
	if err := os.MkdirAll(filepath.Dir(index), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(index, []byte("stale line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := RebuildIndex(context.Background(), []string{"testdata/pywb"}, index); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("rebuilt index differs from pywb's:\n%s", got)
	}
	assertOnlyFiles(t, filepath.Dir(index), "index.cdxj")
}

func goldenLine(t *testing.T, file, offset string) string {
	t.Helper()
	f, err := os.Open(goldenIndex)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"offset": "`+offset+`", `) && strings.Contains(sc.Text(), `"filename": "`+file+`"`) {
			return sc.Text()
		}
	}
	t.Fatalf("no golden line for %s at %s", file, offset)
	return ""
}

func at(s string) time.Time {
	d, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestCDXJLineMatchesPywb builds Written values by hand, as the writer
// reports them during a crawl, and compares with pywb's lines for the same
// records.
func TestCDXJLineMatchesPywb(t *testing.T) {
	const a, b = "pywb-a.warc.gz", "pywb-b.warc"
	for _, tc := range []struct {
		name string
		w    Written
	}{
		{"www and charset", Written{Type: "response", TargetURI: "http://www.example.com/", Date: at("2024-05-06T07:08:03Z"),
			File: a, Offset: 564, Length: 341, PayloadDigest: "sha1:JEXJR23VJNMISKZO2PJJFAYRPVKZAOS5", HTTPStatus: 200,
			MIME: "text/html; charset=utf-8", Method: "GET"}},
		{"query order and case", Written{Type: "response", TargetURI: "http://example.com/search?b=2&a=1&C=3", Date: at("2024-05-06T07:08:11Z"),
			File: a, Offset: 3242, Length: 353, PayloadDigest: "sha1:JEXJR23VJNMISKZO2PJJFAYRPVKZAOS5", HTTPStatus: 200,
			MIME: "text/html", Method: "GET"}},
		{"non-ascii path", Written{Type: "response", TargetURI: "http://example.com/p\u00e4iv\u00e4", Date: at("2024-05-06T07:08:19Z"),
			File: a, Offset: 5912, Length: 349, PayloadDigest: "sha1:JEXJR23VJNMISKZO2PJJFAYRPVKZAOS5", HTTPStatus: 200,
			MIME: "text/html", Method: "GET"}},
		{"fractional date", Written{Type: "response", TargetURI: "http://example.com/fraction", Date: at("2024-05-06T07:08:37.123456Z"),
			File: a, Offset: 11876, Length: 348, PayloadDigest: "sha1:JEXJR23VJNMISKZO2PJJFAYRPVKZAOS5", HTTPStatus: 200,
			MIME: "text/html", Method: "GET"}},
		{"no content type", Written{Type: "response", TargetURI: "http://example.com/moved", Date: at("2024-05-06T07:08:35Z"),
			File: a, Offset: 11229, Length: 332, PayloadDigest: "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", HTTPStatus: 301, Method: "GET"}},
		{"mime with space", Written{Type: "response", TargetURI: "http://example.com/json", Date: at("2024-05-06T07:08:33Z"),
			File: a, Offset: 10584, Length: 332, PayloadDigest: "sha1:X4Q2T2H3YWRYI35QLNH2BBM6BEL3EIBP", HTTPStatus: 200,
			MIME: "application/json ;charset=utf-8", Method: "GET"}},
		{"HEAD with query", Written{Type: "response", TargetURI: "http://example.com/head?x=1", Date: at("2024-05-06T07:08:41Z"),
			File: a, Offset: 13175, Length: 320, PayloadDigest: "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", HTTPStatus: 200,
			MIME: "text/html", Method: "HEAD"}},
		{"POST", Written{Type: "response", TargetURI: "http://example.com/post", Date: at("2024-05-06T07:08:43Z"),
			File: a, Offset: 13805, Length: 332, PayloadDigest: "sha1:PKC7I5SLXVW26HBVIXX3X4HSPGTNYC7L", HTTPStatus: 200,
			MIME: "text/html", Method: "post"}},
		{"revisit", Written{Type: "revisit", TargetURI: "http://www.example.com/", Date: at("2024-05-06T07:08:45Z"),
			File: a, Offset: 14434, Length: 393, PayloadDigest: "sha1:JEXJR23VJNMISKZO2PJJFAYRPVKZAOS5", HTTPStatus: 200,
			MIME: "text/html", Method: "GET"}},
		{"resource", Written{Type: "resource", TargetURI: "http://example.com/screenshot.png", Date: at("2024-05-06T07:08:46Z"),
			File: a, Offset: 14827, Length: 253, PayloadDigest: "sha1:OHOYHVE5ZQADQMXVPGOVW3YZYBH5QJTX", MIME: "image/png"}},
		{"ip and port", Written{Type: "response", TargetURI: "http://192.168.1.1:8080/x", Date: at("2024-05-06T07:08:15Z"),
			File: a, Offset: 4562, Length: 343, PayloadDigest: "sha1:JEXJR23VJNMISKZO2PJJFAYRPVKZAOS5", HTTPStatus: 200,
			MIME: "text/html; charset=utf-8", Method: "GET"}},
		{"plain file", Written{Type: "response", TargetURI: "http://www.example.org/index.html", Date: at("2024-05-06T07:08:43Z"),
			File: b, Offset: 748, Length: 529, PayloadDigest: "sha1:SOZEM7RFWBYCVPHMNH6KNECVX34VEUMY", HTTPStatus: 200,
			MIME: "text/html; charset=utf-8", Method: "GET"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := goldenLine(t, tc.w.File, itoa(tc.w.Offset))
			got, err := CDXJLine(tc.w)
			if err != nil || got != want {
				t.Fatalf("CDXJLine = %q, %v\npywb wrote  %q", got, err, want)
			}
		})
	}
}

func TestCDXJLineSkipsWhatPywbSkips(t *testing.T) {
	for _, w := range []Written{
		{Type: "request", TargetURI: "http://example.com/"},
		{Type: "warcinfo"},
		{Type: "metadata", TargetURI: "http://example.com/"},
		{Type: "response"},
	} {
		if line, err := CDXJLine(w); line != "" || err != nil {
			t.Errorf("CDXJLine(%+v) = %q, %v; want nothing", w, line, err)
		}
	}
	if _, err := CDXJLine(Written{Type: "response", TargetURI: "http://example.com:99999/"}); err == nil {
		t.Error("CDXJLine accepted a URL pywb cannot key")
	}
}

func TestCDXJLineEscapesLikePython(t *testing.T) {
	w := Written{Type: "resource", TargetURI: "http://example.com/a\"b\\c\x01\x7f\u00e4\U0001F600/<>&",
		Date: at("2024-01-02T03:04:05Z"), File: "f.warc.gz", MIME: "text/plain"}
	got, err := CDXJLine(w)
	if err != nil {
		t.Fatal(err)
	}
	// Python: json.dumps({"url": ...}) with its default ensure_ascii.
	want := `{"url": "http://example.com/a\"b\\c\u0001\u007f\u00e4\ud83d\ude00/<>&", "mime": "text/plain", ` +
		`"length": "0", "offset": "0", "filename": "f.warc.gz"}`
	if !strings.HasSuffix(got, " 20240102030405 "+want) {
		t.Fatalf("CDXJLine = %q, want the JSON %q", got, want)
	}
	// warcio reads a header that is not UTF-8 as Latin-1.
	w.TargetURI = "http://example.com/caf\xe9"
	got, err = CDXJLine(w)
	if err != nil || !strings.HasPrefix(got, "com,example)/caf%c3%a9 ") || !strings.Contains(got, `caf\u00e9`) {
		t.Fatalf("CDXJLine of a Latin-1 URI = %q, %v", got, err)
	}
}

func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("%s holds %v, want only %v", dir, got, names)
	}
}

// TestIndexFilesGoesOnPastDamage cuts the golden gzip file inside its
// resource record: everything before the cut and the other file must still
// be indexed, and the damage reported.
func TestIndexFilesGoesOnPastDamage(t *testing.T) {
	whole, err := os.ReadFile(goldenWARCs[0])
	if err != nil {
		t.Fatal(err)
	}
	const resourceOffset = 14827 // see index.cdxj
	cut := filepath.Join(t.TempDir(), "pywb-a.warc.gz")
	if err := os.WriteFile(cut, whole[:resourceOffset+100], 0o644); err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile(goldenIndex)
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, l := range strings.SplitAfter(string(golden), "\n") {
		if l != "" && !strings.Contains(l, `"offset": "14827"`) {
			want.WriteString(l)
		}
	}
	var got bytes.Buffer
	err = IndexFiles(context.Background(), []string{cut, goldenWARCs[1]}, &got)
	if !errors.Is(err, ErrSkippedRecords) || !strings.Contains(err.Error(), cut) {
		t.Fatalf("IndexFiles = %v, want ErrSkippedRecords naming %s", err, cut)
	}
	if got.String() != want.String() {
		t.Fatalf("index of the damaged file:\n%s\nwant:\n%s", got.String(), want.String())
	}
}
