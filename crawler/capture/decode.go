package capture

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Content codings the transport removes for the caller.
const (
	codingGzip    = "gzip"
	codingDeflate = "deflate"
)

// contentCoding returns the coding to remove from resp's body for the
// caller, or "" to hand the body over as it came. Only a single gzip,
// x-gzip or deflate coding is removed: stacked or other codings (br, zstd)
// pass through, and so does a gzip file sent without Content-Encoding (a
// .xml.gz sitemap served as application/gzip), which its consumer sniffs
// and bounds itself. A response without a body keeps its headers, as
// net/http leaves them.
func contentCoding(resp *http.Response) string {
	if resp.Body == http.NoBody {
		return ""
	}
	values := resp.Header.Values("Content-Encoding")
	if len(values) != 1 {
		return ""
	}
	switch strings.ToLower(strings.TrimSpace(values[0])) {
	case "gzip", "x-gzip":
		return codingGzip
	case "deflate":
		return codingDeflate
	default:
		return ""
	}
}

// decoded is the body the caller reads when the response has a content
// coding. The raw body below it feeds the record as always; the caller gets
// the decoded bytes (bounded by capped, above it), and a corrupt stream
// ends in io.EOF rather than an error, as the exchange itself did not fail.
type decoded struct {
	mu     sync.Mutex // Close waits for a Read in flight, as body's does
	raw    *body      // with no onEnd of its own: decoded tells how both ended
	onEnd  func(outcome)
	coding string
	zr     io.Reader // the decompressor, opened by the first Read
	done   bool
	result error // what Read returns once done
}

func newDecoded(raw *body, coding string, onEnd func(outcome)) *decoded {
	return &decoded{raw: raw, onEnd: onEnd, coding: coding}
}

// Read returns decoded bytes, then io.EOF.
func (d *decoded) Read(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.read(p)
}

func (d *decoded) read(p []byte) (int, error) {
	if d.done {
		return 0, d.result
	}
	if len(p) == 0 {
		return 0, nil
	}
	if d.zr == nil {
		zr, err := newDecompressor(d.coding, d.raw)
		if err != nil {
			return 0, d.stop(err)
		}
		d.zr = zr
	}
	n, err := d.zr.Read(p)
	if err != nil {
		return n, d.stop(err)
	}
	return n, nil
}

// stop ends decoding because of err (io.EOF at the end of the stream) and
// returns what Read returns from now on.
func (d *decoded) stop(err error) error {
	d.done = true
	d.result = io.EOF
	var decodeErr error
	rawDone, ended, rawResult := d.raw.state()
	switch {
	case errors.Is(err, io.EOF):
	case rawDone && !errors.Is(rawResult, io.EOF):
		// The decompressor passed on the raw body's failure (a timeout,
		// a reset, a cancel): the caller sees it as it would undecoded.
		d.result = rawResult
	case ended.err != nil:
		// The raw body was cut at MaxBodySize, so the stream stops short;
		// Exchange.Err already tells why.
	default:
		decodeErr = fmt.Errorf("decode %s body: %w", d.coding, err)
	}
	d.finish(decodeErr)
	return d.result
}

// finish reads what is left of the raw body, up to its limits, so the
// record holds all the server sent, then tells how decoding ended.
func (d *decoded) finish(decodeErr error) {
	// Closing never fails; how the drain went is in the raw body's outcome.
	_ = d.raw.Close()
	_, ended, _ := d.raw.state()
	ended.decodeErr = decodeErr
	d.onEnd(ended)
}

// Close ends the exchange, recording the rest of the raw body, without
// decoding what the caller left unread.
func (d *decoded) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done {
		return nil
	}
	d.done = true
	d.result = io.EOF
	d.finish(nil)
	return nil
}

// newDecompressor returns a reader of r's decoded bytes. An empty body
// returns io.EOF. The decompressors hold no resources, so they are never
// closed.
func newDecompressor(coding string, r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if len(head) == 0 {
		return nil, err
	}
	if coding == codingGzip {
		return gzip.NewReader(br) // multistream, as net/http decodes gzip
	}
	// "deflate" means zlib (RFC 9110 8.4.1.2), yet many servers send raw
	// deflate; browsers accept both, telling them apart by the zlib header.
	if isZlibHeader(head) {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}

// isZlibHeader reports whether head starts an RFC 1950 stream: deflate
// method, window of at most 32 KiB, header check bits valid.
func isZlibHeader(head []byte) bool {
	if len(head) < 2 {
		return false
	}
	cmf, flg := head[0], head[1]
	return cmf&0x0f == 8 && cmf>>4 <= 7 && (uint16(cmf)<<8|uint16(flg))%31 == 0
}
