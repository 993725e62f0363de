package warc

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzRepair feeds arbitrary bytes to Repair as a crashed file. Whatever
// it keeps must be a prefix of the input in which the package's Reader
// finds exactly the records Repair counted, none with a framing fault.
func FuzzRepair(f *testing.F) {
	rec := gz(warcinfo().bytes())
	two := gz(warcinfo().bytes(), warcinfo().bytes())
	f.Add(rec)
	f.Add(append(slices.Clone(rec), rec[:20]...))
	f.Add(append(slices.Clone(rec), two...))
	f.Add(append(slices.Clone(rec), withBadCRC(rec)...))
	f.Add(gz(warcinfo().with("Content-Length", "5").bytes()))
	f.Add([]byte("WARC/1.1\r\nContent-Length: 0\r\n\r\n\r\n\r\n"))
	f.Add(append(slices.Clone(rec), gz([]byte("WARC/1.1\r\nX-Long: "+strings.Repeat("a", DefaultMaxHeader)))...))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		open := filepath.Join(dir, "f.warc.gz.open")
		if err := os.WriteFile(open, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := Repair(context.Background(), open)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Removed {
			assertOnlyFiles(t, dir)
			return
		}
		got, err := os.ReadFile(rep.FinalPath)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data[:rep.KeptBytes]) || rep.KeptBytes+rep.DroppedBytes != int64(len(data)) {
			t.Fatalf("kept %d of %d bytes, not a prefix of the input", rep.KeptBytes, len(data))
		}
		n := 0
		err = ReadRecords(bytes.NewReader(got), func(r Record) error {
			n++
			if len(r.Problems) > 0 || r.Truncated || r.Version == "" {
				t.Errorf("record %d at %d: %+v", n, r.Offset, r.Problems)
			}
			return nil
		})
		if err != nil || n != rep.Records {
			t.Fatalf("the reader finds %d records (%v), Repair kept %d", n, err, rep.Records)
		}
	})
}
