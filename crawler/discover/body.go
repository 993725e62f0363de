package discover

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// gzipMagic opens every gzip member (RFC 1952). Bodies are sniffed for it
// rather than trusting Content-Type, Content-Encoding or a .gz name: a client
// may already have undone the encoding, and servers label .xml.gz files
// every which way.
const gzipMagic = "\x1f\x8b"

// maxGzipLayers covers a .xml.gz file served with Content-Encoding: gzip by a
// client that did not undo the encoding. More layers are not a real sitemap.
const maxGzipLayers = 2

// plainBody returns body with up to maxGzipLayers of gzip undone, failing
// with ErrTooLarge once the raw body or any decompressed layer passes
// maxBytes, so a gzip bomb costs at most maxBytes of output per layer.
func plainBody(body io.Reader, maxBytes int64) (*bufio.Reader, error) {
	br := bufio.NewReader(&boundedReader{r: body, left: maxBytes, doing: "read body"})
	for layer := range maxGzipLayers {
		head, _ := br.Peek(len(gzipMagic)) // a short or failing body is reported by the parser's own read
		if string(head) != gzipMagic {
			return br, nil
		}
		zr, err := gzip.NewReader(br)
		if errors.Is(err, ErrTooLarge) {
			return nil, fmt.Errorf("read gzip header: more than %d bytes: %w", maxBytes, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: read gzip header: %w", ErrMalformed, err)
		}
		doing := fmt.Sprintf("inflate gzip layer %d", layer+1)
		br = bufio.NewReader(&boundedReader{r: zr, left: maxBytes, doing: doing})
	}
	return br, nil
}

// boundedReader passes through at most left bytes and fails with ErrTooLarge
// as soon as the source has more, rather than truncating silently: a cut
// sitemap would look complete.
type boundedReader struct {
	r     io.Reader
	left  int64
	doing string // names the source in its read errors
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, ErrTooLarge
	}
	// One byte more than allowed tells "exactly at the limit" from "over it".
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		b.left = -1
		return n, ErrTooLarge
	}
	b.left -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		err = fmt.Errorf("%s: %w", b.doing, err)
	}
	return n, err
}
