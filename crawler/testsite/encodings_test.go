package testsite

import (
	"bytes"
	"net/http"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

func TestGzipOnlyWhenAccepted(t *testing.T) {
	base := New(Options{}).Start(t)
	plain := fetch(t, base+PathGzip, nil)
	if plain.header.Get("Content-Encoding") != "" || !bytes.HasPrefix(plain.body, []byte("<!DOCTYPE html>")) {
		t.Fatalf("without Accept-Encoding: Content-Encoding %q, body starts %q", plain.header.Get("Content-Encoding"), plain.body[:16])
	}
	tests := []struct {
		accept string
		gzip   bool
	}{
		{"gzip", true},
		{"br, gzip;q=0.8", true},
		{"x-gzip", true},
		{"gzip;q=0", false},
		{"br, deflate", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			r := fetch(t, base+PathGzip, http.Header{"Accept-Encoding": {tt.accept}})
			if r.header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", r.header.Get("Vary"))
			}
			if !tt.gzip {
				if r.header.Get("Content-Encoding") != "" || !bytes.Equal(r.body, plain.body) {
					t.Errorf("got Content-Encoding %q and a different body, want the plain page", r.header.Get("Content-Encoding"))
				}
				return
			}
			if r.header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding = %q, want gzip", r.header.Get("Content-Encoding"))
			}
			if got := gunzip(t, r.body); !bytes.Equal(got, plain.body) {
				t.Errorf("gunzipped body (%d bytes) differs from the plain page (%d bytes)", len(got), len(plain.body))
			}
		})
	}
}

func TestCharsets(t *testing.T) {
	base := New(Options{}).Start(t)
	t.Run("iso-8859-1", func(t *testing.T) {
		r := fetch(t, base+PathLatin1, nil)
		if ct := r.header.Get("Content-Type"); ct != "text/html; charset=ISO-8859-1" {
			t.Errorf("Content-Type = %q", ct)
		}
		for _, b := range [][]byte{{'c', 'a', 'f', 0xE9}, {'H', 0xE4, 'm'}, {'M', 0xF6, 'r'}, {0xC5, 'l'}} {
			if !bytes.Contains(r.body, b) {
				t.Errorf("body lacks Latin-1 bytes %q", b)
			}
		}
		if utf8.Valid(r.body) {
			t.Error("body is valid UTF-8; want Latin-1 bytes that are not")
		}
		decoded, err := charmap.ISO8859_1.NewDecoder().Bytes(r.body)
		if err != nil {
			t.Fatalf("decode latin-1: %v", err)
		}
		for _, w := range []string{"cafés", "Hämeenlinna", "Mörkö", "Ålandsö", "«Wir fahren gern»", `<meta charset="iso-8859-1">`} {
			if !bytes.Contains(decoded, []byte(w)) {
				t.Errorf("decoded body lacks %q", w)
			}
		}
	})
	t.Run("invalid utf-8", func(t *testing.T) {
		r := fetch(t, base+PathBadUTF8, nil)
		if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if utf8.Valid(r.body) || !bytes.Contains(r.body, []byte{0xFF}) || !bytes.Contains(r.body, []byte{0xE2, 0x82, ' '}) {
			t.Error("body should hold a stray 0xFF and a cut UTF-8 sequence")
		}
	})
	t.Run("utf-8 prose", func(t *testing.T) {
		r := fetch(t, base+"/", nil)
		if !utf8.Valid(r.body) {
			t.Error("front page is not valid UTF-8")
		}
	})
}

func TestChunkedThroughClient(t *testing.T) {
	base := New(Options{}).Start(t)
	r := fetch(t, base+PathChunked, nil)
	if len(r.te) != 1 || r.te[0] != "chunked" || r.header.Get("Content-Length") != "" {
		t.Errorf("Transfer-Encoding %v, Content-Length %q; want chunked and none", r.te, r.header.Get("Content-Length"))
	}
	if !bytes.HasSuffix(r.body, []byte("</html>\n")) {
		t.Error("de-chunked body is not a whole page")
	}
	// Every other page states its length.
	if r := fetch(t, base+"/", nil); len(r.te) != 0 || r.header.Get("Content-Length") == "" {
		t.Errorf("front page: Transfer-Encoding %v, Content-Length %q", r.te, r.header.Get("Content-Length"))
	}
}
