package warc

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzReadRecords feeds arbitrary bytes to the reader and the validator's
// record checks. Whatever the input, reading must end without an error
// (the bytes come from memory, so there is no read error to report), every
// record must lie inside the input, and offsets must not go backwards.
// The committed corpus is in testdata/fuzz/FuzzReadRecords.
func FuzzReadRecords(f *testing.F) {
	ok := okResponse().bytes()
	f.Add(ok)
	f.Add(gz(ok))
	f.Add(append(gz(warcinfo().bytes()), gz(ok, ok)...))
	f.Add(gz(ok)[:40])
	f.Add([]byte("WARC/1.1\r\nContent-Length: 99999999\r\n\r\nshort"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data), ReaderOptions{SpoolDir: t.TempDir(), SpoolMemory: 512})
		defer rd.Close()
		v := &validator{methods: map[string]string{}}
		last := int64(-1)
		for n := 0; ; n++ {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("Next failed on in-memory input: %v", err)
			}
			if rec.Offset < last || rec.Offset < 0 || rec.Length < 0 || rec.Offset+rec.Length > int64(len(data)) {
				t.Fatalf("record %d at %d+%d outside the %d input bytes (previous at %d)", n, rec.Offset, rec.Length, len(data), last)
			}
			last = rec.Offset
			if _, err := io.Copy(io.Discard, rec.BlockReader()); err != nil {
				t.Fatalf("read block: %v", err)
			}
			v.check(rec)
			if n > len(data)+1 {
				t.Fatalf("%d records from %d bytes: the reader is not making progress", n, len(data))
			}
		}
	})
}
