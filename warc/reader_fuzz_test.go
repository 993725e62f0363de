package warc

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"testing"
)

// fuzzMaxHeader is the header bound of the fuzz target: small, so that a
// corpus entry can run past it in a few kilobytes.
const fuzzMaxHeader = 1024

// framing is what a reader saw of one record, whatever it kept of the block.
type framing struct {
	offset, length int64
	version        string
	whole          bool
	codes          []ProblemCode
}

// readFraming reads data with the given block mode and returns the framing
// of every record, handing each record to check first when it is not nil.
// Whatever the input, reading must end without an error (the bytes come
// from memory, so there is no read error to report), every record must lie
// inside the input, and offsets must not go backwards.
func readFraming(t *testing.T, data []byte, mode BlockMode, check func(Record)) []framing {
	t.Helper()
	rd := NewReader(bytes.NewReader(data), ReaderOptions{SpoolDir: t.TempDir(), SpoolMemory: 512, Block: mode, MaxHeader: fuzzMaxHeader})
	defer rd.Close()
	var out []framing
	last := int64(-1)
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next failed on in-memory input: %v", err)
		}
		if rec.Offset < last || rec.Offset < 0 || rec.Length < 0 || rec.Offset+rec.Length > int64(len(data)) {
			t.Fatalf("record %d at %d+%d outside the %d input bytes (previous at %d)", len(out), rec.Offset, rec.Length, len(data), last)
		}
		last = rec.Offset
		if check != nil {
			check(rec)
		}
		f := framing{offset: rec.Offset, length: rec.Length, version: rec.Version, whole: rec.Whole()}
		for _, p := range rec.Problems {
			f.codes = append(f.codes, p.Code)
		}
		out = append(out, f)
		if len(out) > len(data)+1 {
			t.Fatalf("%d records from %d bytes: the reader is not making progress", len(out), len(data))
		}
	}
}

// FuzzReadRecords feeds arbitrary bytes to the reader and the validator's
// record checks. Besides what readFraming checks, a whole record's block
// must be exactly Content-Length bytes, and the readers the index (block
// head) and Repair (no block) use must frame every record as the
// validator's (whole block) does.
// The committed corpus is in testdata/fuzz/FuzzReadRecords.
func FuzzReadRecords(f *testing.F) {
	ok := okResponse().bytes()
	f.Add(ok)
	f.Add(gz(ok))
	f.Add(append(gz(warcinfo().bytes()), gz(ok, ok)...))
	f.Add(gz(ok)[:40])
	f.Add([]byte("WARC/1.1\r\nContent-Length: 99999999\r\n\r\nshort"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := &validator{methods: map[string]string{}}
		seen := readFraming(t, data, KeepBlock, func(rec Record) {
			block, err := io.ReadAll(rec.BlockReader())
			if err != nil {
				t.Fatalf("read block: %v", err)
			}
			if cl, err := strconv.ParseInt(rec.Header.Get("Content-Length"), 10, 64); rec.Whole() && (err != nil || cl != int64(len(block))) {
				t.Fatalf("whole record at %d: Content-Length %q, block of %d bytes", rec.Offset, rec.Header.Get("Content-Length"), len(block))
			}
			v.check(rec)
		})
		for _, mode := range []BlockMode{KeepBlockHead, SkipBlock} {
			if got := readFraming(t, data, mode, nil); !slices.EqualFunc(got, seen, equalFraming) {
				t.Fatalf("block mode %d frames records as\n%+v\nthe whole-block reader as\n%+v", mode, got, seen)
			}
		}
	})
}

func equalFraming(a, b framing) bool {
	return a.offset == b.offset && a.length == b.length && a.version == b.version &&
		a.whole == b.whole && slices.Equal(a.codes, b.codes)
}
