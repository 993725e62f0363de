package warc

import (
	"bufio"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
)

// messageFacts is what one pass over a captured HTTP message tells the
// writer: its WARC digests and what the index needs to know about it.
type messageFacts struct {
	blockDigest   string // "sha1:BASE32" over every byte of the block
	payloadDigest string // "sha1:BASE32" over the de-chunked entity body; "" when the framing cannot be parsed
	payloadSize   int64  // bytes the payload digest covers; 0 without one
	status        int    // final status of a response; 0 for requests and unparsable blocks
	mime          string // Content-Type without parameters, lower case; "" when absent
	contentCoding string // Content-Encoding of a response, "" when absent
	method        string // request method; for responses, the method the response answered
	// headStart and headEnd delimit the final response's status line and
	// header, blank line included, in the block: what a revisit record
	// keeps. Both are 0 when the response does not parse.
	headStart, headEnd int64
}

// scanResponse reads b once, hashing every byte for the block digest while
// net/http parses the same bytes to find the entity body. method must be the
// request's method: a HEAD response has headers that announce a body it does
// not carry.
func scanResponse(b Block, method string, buf []byte) (messageFacts, error) {
	facts := messageFacts{method: method}
	err := scanMessage(b, &facts, buf, func(br *bufio.Reader, pos func() int64) (io.Reader, error) {
		resp, start, err := readFinalResponse(br, method, pos)
		if err != nil {
			return nil, err
		}
		facts.headStart, facts.headEnd = start, pos()
		facts.status = resp.StatusCode
		facts.mime = MediaType(resp.Header.Get("Content-Type"))
		facts.contentCoding = resp.Header.Get("Content-Encoding")
		return resp.Body, nil
	})
	return facts, err
}

// scanRequest is scanResponse for the request side. A request without a
// body (every GET) gets no payload digest, as in Heritrix's request records.
func scanRequest(b Block, buf []byte) (messageFacts, error) {
	var facts messageFacts
	err := scanMessage(b, &facts, buf, func(br *bufio.Reader, _ func() int64) (io.Reader, error) {
		req, err := http.ReadRequest(br)
		if err != nil {
			return nil, err
		}
		facts.method = req.Method
		facts.mime = MediaType(req.Header.Get("Content-Type"))
		if req.ContentLength == 0 {
			return nil, nil
		}
		return req.Body, nil
	})
	if facts.method == "" {
		facts.method = requestMethod(b)
	}
	return facts, err
}

// scanMessage streams b through a SHA-1 for the block digest and hands the
// same bytes to parse, which returns the entity body to hash as the payload
// (nil for none), copied through buf; pos tells parse the offset in b of the
// next byte it would read. A block that does not parse as HTTP still gets its
// block digest: it is archived as received. Only a failure to read b is an
// error.
func scanMessage(b Block, facts *messageFacts, buf []byte, parse func(br *bufio.Reader, pos func() int64) (io.Reader, error)) error {
	src := &countingReader{r: io.NewSectionReader(b, 0, b.Size())}
	blockHash := sha1.New()
	// The buffer only has to hold what net/http peeks at: textproto copes
	// with header lines longer than it, and the body bypasses it in reads
	// of buf's size. A larger one would be allocated for nothing.
	br := bufio.NewReaderSize(io.TeeReader(src, blockHash), int(min(max(b.Size(), 16), 4<<10)))

	body, perr := parse(br, func() int64 { return src.n - int64(br.Buffered()) })
	if perr == nil && body != nil {
		payloadHash := sha1.New()
		n, err := io.CopyBuffer(payloadHash, body, buf)
		// A body cut short by a size or time limit or a disconnect still
		// has a payload: the bytes that arrived, as Heritrix digests them.
		// Broken chunk framing has no defined payload, so it gets none.
		if err == nil || errors.Is(err, io.ErrUnexpectedEOF) {
			facts.payloadDigest = formatSHA1(payloadHash)
			facts.payloadSize = n
		}
	}
	// Whatever parse left unread (trailing bytes, a body after broken
	// framing) belongs to the block digest all the same.
	if _, err := io.Copy(io.Discard, br); err != nil && src.err == nil {
		return fmt.Errorf("read http message: %w", err)
	}
	if src.err != nil {
		return fmt.Errorf("read http message: %w", src.err)
	}
	facts.blockDigest = formatSHA1(blockHash)
	return nil
}

// readFinalResponse skips 1xx interim responses (100 Continue, 103 Early
// Hints): they carry no body and the real response follows them on the same
// connection. 101 Switching Protocols is final: what follows is not HTTP.
// It also returns where the final response's status line starts.
func readFinalResponse(br *bufio.Reader, method string, pos func() int64) (*http.Response, int64, error) {
	req := &http.Request{Method: method}
	for {
		start := pos()
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			return nil, 0, err
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			return resp, start, nil
		}
	}
}

// requestMethod takes the method from the request line when the request as a
// whole does not parse, so a response still learns whether it answered a HEAD.
func requestMethod(b Block) string {
	line := make([]byte, 32)
	n, _ := b.ReadAt(line, 0)
	method, _, found := strings.Cut(string(line[:n]), " ")
	if !found || method == "" || strings.IndexFunc(method, notTokenChar) >= 0 {
		return ""
	}
	return method
}

func notTokenChar(r rune) bool {
	return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
}

// MediaType drops the parameters and keeps the case as sent: pywb's
// indexer does the same, and crawl-time index lines must equal rebuilt ones.
func MediaType(contentType string) string {
	contentType = strings.TrimSpace(contentType)
	if i := strings.IndexAny(contentType, "; "); i >= 0 {
		contentType = contentType[:i]
	}
	return contentType
}

// formatSHA1 renders a digest the way WARC tools expect: "sha1:" and
// unpadded upper-case base32 (a SHA-1 is 160 bits, so there is no padding).
func formatSHA1(h hash.Hash) string {
	return "sha1:" + base32.StdEncoding.EncodeToString(h.Sum(nil))
}
