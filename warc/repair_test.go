package warc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// crashSource writes a closed WARC file with the writer: a warcinfo, four
// exchanges (one with a 100 KiB incompressible body, so a member spans
// several reads) and a revisit. It returns the file's bytes and its
// members as the test's own reader finds them.
func crashSource(t *testing.T) ([]byte, []handRecord) {
	t.Helper()
	s := newCaptureServer(t)
	dir := t.TempDir()
	w := newTestWriter(t, Options{Dir: dir, Info: Info{Software: "arkisto-test"}})
	noise := make([]byte, 100<<10)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	big := append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(noise))), noise...)
	var page Written
	for i, path := range []string{"/page", "/chunked", "/noise", "/gzip"} {
		req := s.request("GET", path, "")
		resp := big
		if path != "/noise" {
			resp = s.capture(t, req)
		}
		ex := Exchange{TargetURI: "http://example.test" + path, IP: "127.0.0.1", Request: req, Response: bytes.NewReader(resp)}
		written, _, err := w.WriteExchange(ex)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			page = written
		}
	}
	req := s.request("GET", "/page", "")
	p, err := Prepare(Exchange{TargetURI: "http://example.test/page", Request: req, Response: bytes.NewReader(s.capture(t, req))})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.WriteRevisit(p, Ref{TargetURI: page.TargetURI, Date: page.Date, RecordID: page.RecordID}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files := warcFiles(t, dir)
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return data, readMembersByHand(t, files[0])
}

// crashCut is one way a crash can leave the file: its first n bytes,
// followed by tail.
type crashCut struct {
	name string
	n    int64
	tail []byte
}

func crashCuts(data []byte, members []handRecord) []crashCut {
	badEnd := warcinfo()
	badEnd.end = "\n\n\n\n"
	anotherRecord := slices.Clone(data[members[1].offset : members[1].offset+members[1].length])
	tails := []struct {
		name  string
		bytes []byte
	}{
		{"", nil},
		{"zeros", make([]byte, 4096)}, // what a power cut can leave in unwritten blocks
		{"text", []byte("some bytes that are not gzip\n")},
		{"gzip member holding no warc", gz([]byte("not a warc record\r\n\r\n"))},
		{"gzip member holding two records", gz(warcinfo().bytes(), warcinfo().bytes())},
		{"record with a wrong content-length", gz(warcinfo().with("Content-Length", "5").bytes())},
		{"record ending in four line feeds", gz(badEnd.bytes())},
		{"member with a bad crc", withBadCRC(anotherRecord)},
	}
	var cuts []crashCut
	add := func(name string, n int64, withTails bool) {
		for _, tl := range tails {
			if tl.name != "" && !withTails {
				continue
			}
			label := fmt.Sprintf("%s at %d", name, n)
			if tl.name != "" {
				label += " then " + tl.name
			}
			cuts = append(cuts, crashCut{name: label, n: n, tail: tl.bytes})
		}
	}
	for i, m := range members {
		end := m.offset + m.length
		add(fmt.Sprintf("member %d boundary", i), m.offset, true)
		add(fmt.Sprintf("member %d gzip header", i), m.offset+1, false)
		add(fmt.Sprintf("member %d gzip header", i), m.offset+9, i%2 == 0)
		add(fmt.Sprintf("member %d compressed data", i), m.offset+m.length/2, i%2 == 1)
		add(fmt.Sprintf("member %d trailer start", i), end-8, false)
		add(fmt.Sprintf("member %d inside trailer", i), end-3, i%2 == 0)
		add(fmt.Sprintf("member %d last byte missing", i), end-1, false)
	}
	add("whole file", int64(len(data)), true)
	return cuts
}

func TestRepairCutFiles(t *testing.T) {
	data, members := crashSource(t)
	if len(members) != 11 {
		t.Fatalf("source has %d members, want 11", len(members))
	}
	const name = "arkisto-20250301123045123-00000-host.warc.gz"
	for _, cut := range crashCuts(data, members) {
		t.Run(cut.name, func(t *testing.T) {
			// The members wholly before the cut survive; nothing else.
			kept, keepBytes := 0, int64(0)
			for _, m := range members {
				if m.offset+m.length <= cut.n {
					kept, keepBytes = kept+1, m.offset+m.length
				}
			}
			dir := t.TempDir()
			open := filepath.Join(dir, name+openSuffix)
			input := append(slices.Clone(data[:cut.n]), cut.tail...)
			if err := os.WriteFile(open, input, 0o644); err != nil {
				t.Fatal(err)
			}
			rep, err := Repair(context.Background(), open)
			if err != nil {
				t.Fatal(err)
			}
			want := RepairReport{Path: open, FinalPath: filepath.Join(dir, name), Records: kept,
				KeptBytes: keepBytes, DroppedBytes: int64(len(input)) - keepBytes}
			if kept == 0 {
				want.FinalPath, want.Removed = "", true
			}
			if rep != want {
				t.Fatalf("report %+v, want %+v", rep, want)
			}
			if kept == 0 {
				assertOnlyFiles(t, dir)
				return
			}
			assertOnlyFiles(t, dir, name)
			got, err := os.ReadFile(rep.FinalPath)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data[:keepBytes]) {
				t.Fatalf("repaired file is not the first %d bytes of the source", keepBytes)
			}
			recs := readMembersByHand(t, rep.FinalPath)
			for i, r := range recs {
				if r.get("WARC-Record-ID") != members[i].get("WARC-Record-ID") {
					t.Errorf("record %d is %s, want %s", i, r.get("WARC-Record-ID"), members[i].get("WARC-Record-ID"))
				}
			}
			vrep, err := ValidateFile(context.Background(), rep.FinalPath, ValidateOptions{})
			if err != nil || vrep.Problems != 0 || vrep.Records != kept {
				t.Fatalf("ValidateFile = %+v, %v; want %d clean records", vrep, err, kept)
			}
		})
	}
}

func TestRepairDir(t *testing.T) {
	data, members := crashSource(t)
	dir := t.TempDir()
	write := func(name string, p []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cutAt := members[5].offset + 100
	write("a.warc.gz.open", data[:cutAt])      // cut inside a member
	write("b.warc.gz.open", nil)               // created, then the crash
	write("c.warc.gz", data)                   // closed before the crash
	write("d.warc.open", []byte("WARC/1.1"))   // not the writer's: left alone
	write("e.warc.gz.open", data)              // its final name is taken
	write("e.warc.gz", []byte("do not touch")) // ... by this file
	if err := os.Mkdir(filepath.Join(dir, "f.warc.gz.open"), 0o755); err != nil {
		t.Fatal(err)
	}

	reps, err := RepairDir(context.Background(), dir)
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("RepairDir error %v, want one for e.warc.gz.open matching fs.ErrExist", err)
	}
	want := []RepairReport{
		{Path: filepath.Join(dir, "a.warc.gz.open"), FinalPath: filepath.Join(dir, "a.warc.gz"), Records: 5,
			KeptBytes: members[5].offset, DroppedBytes: 100},
		{Path: filepath.Join(dir, "b.warc.gz.open"), Removed: true},
	}
	if !slices.Equal(reps, want) {
		t.Errorf("reports %+v, want %+v", reps, want)
	}
	assertOnlyFiles(t, dir, "a.warc.gz", "c.warc.gz", "d.warc.open", "e.warc.gz", "e.warc.gz.open", "f.warc.gz.open")
	for name, want := range map[string][]byte{"c.warc.gz": data, "d.warc.open": []byte("WARC/1.1"),
		"e.warc.gz.open": data, "e.warc.gz": []byte("do not touch")} {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s changed: %v", name, err)
		}
	}
	sum, err := ValidatePaths(context.Background(), []string{filepath.Join(dir, "a.warc.gz"), filepath.Join(dir, "c.warc.gz")}, ValidateOptions{})
	if err != nil || !sum.OK() || sum.Records != 5+len(members) {
		t.Errorf("ValidatePaths = %+v, %v", sum, err)
	}
}

func TestRepairRefuses(t *testing.T) {
	data, _ := crashSource(t)
	dir := t.TempDir()
	plain := filepath.Join(dir, "x.warc.open")
	open := filepath.Join(dir, "x.warc.gz.open")
	for _, p := range []string{plain, open} {
		if err := os.WriteFile(p, data[:len(data)-10], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		path string
		want error
	}{
		{"not a .warc.gz.open", context.Background(), plain, ErrNotOpenWARC},
		{"closed file", context.Background(), filepath.Join(dir, "x.warc.gz"), ErrNotOpenWARC},
		{"missing file", context.Background(), filepath.Join(dir, "y.warc.gz.open"), fs.ErrNotExist},
		{"cancelled", cancelled, open, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Repair(tc.ctx, tc.path); !errors.Is(err, tc.want) {
				t.Errorf("Repair error %v, want %v", err, tc.want)
			}
		})
	}
	assertOnlyFiles(t, dir, "x.warc.gz.open", "x.warc.open")
	for _, p := range []string{plain, open} {
		if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, data[:len(data)-10]) {
			t.Errorf("%s changed: %v", p, err)
		}
	}
}

// TestRepairStreams repairs a file whose one record is far larger than the
// memory repair may use, cut in its trailer.
func TestRepairStreams(t *testing.T) {
	const size = 24 << 20
	const budget = 2 << 20
	dir := t.TempDir()
	whole := filepath.Join(dir, "big.warc.gz")
	writeBigRecord(t, whole, size)
	info, err := os.Stat(whole)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(whole, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// A whole second copy of the warcinfo-less big member would double the
	// test's time; a cut member is all a crash leaves anyway.
	_, err = f.Write(gz(warcinfo().bytes())[:20])
	if err = errors.Join(err, f.Close()); err != nil {
		t.Fatal(err)
	}
	open := whole + openSuffix
	if err := os.Rename(whole, open); err != nil {
		t.Fatal(err)
	}
	var rep RepairReport
	alloc := allocatedBy(func() { rep, err = Repair(context.Background(), open) })
	t.Logf("repairing a file with a %d-byte record allocated %d bytes", size, alloc)
	if err != nil || rep.Records != 1 || rep.KeptBytes != info.Size() || rep.DroppedBytes != 20 {
		t.Fatalf("Repair = %+v, %v", rep, err)
	}
	if alloc > budget {
		t.Fatalf("repair allocated %d bytes: the file was not streamed", alloc)
	}
}

// The writer's own .open file, left by a "crash" (the process stops using
// it without closing), is repaired, and a writer started afterwards whose
// clock reads the same millisecond (a clock stepped back) does not take
// the repaired file's name.
func TestRepairAfterCrashThenWriteAgain(t *testing.T) {
	s := newCaptureServer(t)
	dir := t.TempDir()
	frozen := time.Date(2025, 3, 1, 12, 30, 45, 123000000, time.UTC)
	req := s.request("GET", "/page", "")
	page := s.capture(t, req)
	ex := Exchange{TargetURI: "http://example.test/page", Request: req, Response: bytes.NewReader(page)}

	crashed := newTestWriter(t, Options{Dir: dir})
	crashed.now = func() time.Time { return frozen }
	first, _, err := crashed.WriteExchange(ex)
	if err != nil {
		t.Fatal(err)
	}
	if err := crashed.cur.file.Close(); err != nil { // the process dies; the kernel closes the file
		t.Fatal(err)
	}
	reps, err := RepairDir(context.Background(), dir)
	if err != nil || len(reps) != 1 || reps[0].Records != 3 || reps[0].DroppedBytes != 0 {
		t.Fatalf("RepairDir = %+v, %v", reps, err)
	}
	repaired, err := os.ReadFile(reps[0].FinalPath)
	if err != nil {
		t.Fatal(err)
	}

	restarted := newTestWriter(t, Options{Dir: dir})
	restarted.now = func() time.Time { return frozen }
	second, _, err := restarted.WriteExchange(ex)
	if err != nil {
		t.Fatal(err)
	}
	if err := restarted.Close(); err != nil {
		t.Fatal(err)
	}
	if second.File == first.File {
		t.Fatalf("restarted writer reused %s", first.File)
	}
	if got, err := os.ReadFile(reps[0].FinalPath); err != nil || !bytes.Equal(got, repaired) {
		t.Fatalf("repaired file changed: %v", err)
	}
	sum, err := ValidatePaths(context.Background(), []string{dir}, ValidateOptions{})
	if err != nil || !sum.OK() || sum.Files != 2 || sum.Records != 6 {
		t.Errorf("ValidatePaths = %+v, %v", sum, err)
	}
}
