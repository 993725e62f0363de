package discover

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

// bombSize is what the test bombs inflate to: four times the sitemaps.org
// limit, from about 200 KB of gzip.
const bombSize = 200 << 20

// gzipBomb returns a gzip stream of prefix followed by bombSize bytes of
// fill. Compressing 200 MB takes seconds (minutes under -race), so one
// member holding 1 MiB of fill is compressed once and repeated: readers,
// compress/gzip included, take concatenated members as one stream.
func gzipBomb(t *testing.T, prefix string, fill byte) []byte {
	t.Helper()
	const chunk = 1 << 20
	bomb := gzipLevel(t, []byte(prefix), gzip.BestSpeed)
	member := gzipLevel(t, bytes.Repeat([]byte{fill}, chunk), gzip.BestCompression)
	return append(bomb, bytes.Repeat(member, bombSize/chunk)...)
}

// countingReader counts the compressed bytes a parser pulled.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestSitemapGzipBomb(t *testing.T) {
	const maxBytes = 1 << 20
	const urlset = `<?xml version="1.0"?><urlset><url><loc>https://news.example.com/first</loc></url>`
	tests := []struct {
		name string
		bomb []byte
		want []Entry
	}{
		{name: "zeros", bomb: gzipBomb(t, "", 0)},
		{name: "urlset padded with spaces", bomb: gzipBomb(t, urlset, ' '), want: []Entry{{URL: "https://news.example.com/first"}}},
		{name: "text sitemap with an endless line", bomb: gzipBomb(t, "https://news.example.com/first\nhttps://news.example.com/", 'a'), want: []Entry{{URL: "https://news.example.com/first"}}},
		// The outer layer is stored, not compressed, so that the bytes read
		// still measure how far the inner bomb was inflated.
		{name: "bomb inside a stored gzip layer", bomb: gzipLevel(t, gzipBomb(t, urlset, ' '), gzip.NoCompression), want: []Entry{{URL: "https://news.example.com/first"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &countingReader{r: bytes.NewReader(tt.bomb)}
			got, err := Sitemap(src, "application/x-gzip", "", Limits{MaxBytes: maxBytes})
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error = %v, want ErrTooLarge", err)
			}
			t.Logf("read %d of %d compressed bytes", src.n, len(tt.bomb))
			// 1 MiB of output takes about 1 KiB of the bomb; the rest is
			// read-ahead of the bufio and flate buffers. 64 KiB of input
			// would already be 60 MB of output.
			if src.n > 64<<10 {
				t.Errorf("read %d of %d compressed bytes: the bound did not stop inflation", src.n, len(tt.bomb))
			}
			assertEntries(t, got, tt.want)
		})
	}
}

func TestFeedGzipBomb(t *testing.T) {
	bomb := gzipBomb(t, `<?xml version="1.0"?><rss version="2.0"><channel><title>`, 'x')
	_, err := Feed(bomb, Limits{MaxBytes: 1 << 20})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error = %v, want ErrTooLarge", err)
	}
}

func TestSitemapByteLimit(t *testing.T) {
	// Without its final newline the document ends with the root's closing
	// tag, so every byte of it must be read.
	doc := bytes.TrimSpace(readTestdata(t, "sitemaps/news.xml"))
	tests := []struct {
		name     string
		body     []byte
		maxBytes int64
		wantErr  error
	}{
		{name: "plain body exactly at the limit", body: doc, maxBytes: int64(len(doc))},
		{name: "plain body one byte over", body: doc, maxBytes: int64(len(doc)) - 1, wantErr: ErrTooLarge},
		{name: "gzip body inflating exactly to the limit", body: gzipBytes(t, doc), maxBytes: int64(len(doc))},
		{name: "limit inside the gzip header", body: gzipBytes(t, doc), maxBytes: 5, wantErr: ErrTooLarge},
		{name: "gzip body inflating one byte over", body: gzipBytes(t, doc), maxBytes: int64(len(doc)) - 1, wantErr: ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sitemap(bytes.NewReader(tt.body), "", "", Limits{MaxBytes: tt.maxBytes})
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "bytes") {
				t.Errorf("error %q does not name the byte limit", err)
			}
		})
	}
}
