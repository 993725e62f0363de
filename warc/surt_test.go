package warc

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// TestSURTMatchesPywb compares SURT with what pywb 2.10 (python surt 0.3.1)
// produced for the same URLs; testdata/pywb/make_golden.py made the file.
func TestSURTMatchesPywb(t *testing.T) {
	f, err := os.Open("testdata/surt_golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var golden struct {
			URL   string `json:"url"`
			SURT  string `json:"surt"`
			Error string `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &golden); err != nil {
			t.Fatalf("parse golden line %q: %v", sc.Text(), err)
		}
		n++
		t.Run(golden.URL, func(t *testing.T) {
			got, err := SURT(golden.URL)
			if golden.Error != "" {
				if err == nil {
					t.Fatalf("SURT(%q) = %q, pywb failed with %s", golden.URL, got, golden.Error)
				}
				return
			}
			if err != nil || got != golden.SURT {
				t.Fatalf("SURT(%q) = %q, %v; pywb wrote %q", golden.URL, got, err, golden.SURT)
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("golden file holds %d URLs, want the full set", n)
	}
}

func TestSURTEmptyAndFiledesc(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "-"},
		{"filedesc://x.arc", "filedesc://x.arc"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := SURT(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("SURT(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	if _, err := SURT("   "); err == nil {
		t.Fatal("SURT of blanks succeeded; pywb fails on it")
	}
}
