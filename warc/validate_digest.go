package warc

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"net/http"
	"strings"
)

// This file has its own digest helpers rather than the writer's (digest.go)
// because it must also read the forms other tools write (sha256, base16)
// and must stay independent of the code it checks.

var errDigestSyntax = errors.New("not a labelled sha1, sha256, sha512 or md5 digest in base32 or base16")

type digestSpec struct {
	label string
	want  []byte
	hash  hash.Hash
}

// parseDigest reads "algorithm:value" with the value in base32 (any case,
// padding optional) or base16.
func parseDigest(s string) (digestSpec, error) {
	label, value, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return digestSpec{}, errDigestSyntax
	}
	var h hash.Hash
	switch strings.ToLower(label) {
	case "sha1", "sha-1":
		h = sha1.New()
	case "sha256", "sha-256":
		h = sha256.New()
	case "sha512", "sha-512":
		h = sha512.New()
	case "md5":
		h = md5.New()
	default:
		return digestSpec{}, errDigestSyntax
	}
	size := h.Size()
	var want []byte
	if len(value) == 2*size {
		if b, err := hex.DecodeString(value); err == nil {
			want = b
		}
	}
	if want == nil {
		v := strings.ToUpper(strings.TrimRight(value, "="))
		if b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(v); err == nil && len(b) == size {
			want = b
		}
	}
	if want == nil {
		return digestSpec{}, errDigestSyntax
	}
	return digestSpec{label: label, want: want, hash: h}, nil
}

// checkDigest hashes r and compares with the labelled digest want. It
// returns "" when they agree, else what is wrong.
func checkDigest(want string, r io.Reader) string {
	spec, err := parseDigest(want)
	if err != nil {
		return fmt.Sprintf("%q is %v", clip(want), err)
	}
	if _, err := io.Copy(spec.hash, r); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("could not be checked: %v", err)
	}
	got := spec.hash.Sum(nil)
	if bytes.Equal(got, spec.want) {
		return ""
	}
	return fmt.Sprintf("is %s but the bytes hash to %s:%s", want, spec.label,
		base32.StdEncoding.EncodeToString(got))
}

// checkPayload checks WARC-Payload-Digest against the record's payload: the
// HTTP entity body for HTTP messages, else the whole block.
func (v *validator) checkPayload(rec Record, typ, want string) string {
	ctype := strings.ToLower(rec.Header.Get("Content-Type"))
	isHTTP := strings.HasPrefix(ctype, "application/http") && (typ == "response" || typ == "request")
	if !isHTTP {
		return checkDigest(want, rec.BlockReader())
	}
	if v.opts.RawPayloadDigest {
		return checkDigest(want, afterHTTPHeader(rec.BlockReader()))
	}
	body, err := httpBody(rec.BlockReader(), typ, v.methodFor(rec.Header))
	if err != nil {
		// Go cannot parse this message; fall back to the bytes after the
		// header, which is all a writer could have hashed.
		msg := checkDigest(want, afterHTTPHeader(rec.BlockReader()))
		if msg != "" {
			msg += fmt.Sprintf(" (HTTP message unreadable: %v)", err)
		}
		return msg
	}
	defer body.Close()
	return checkDigest(want, body)
}

// httpBody returns the entity body with its transfer encoding removed and
// its content encoding kept, skipping interim 1xx responses. The start
// lines and headers may take DefaultMaxHeader bytes together: net/http
// holds a header line whole, so a longer one is refused, not read.
func httpBody(block io.Reader, typ, method string) (io.ReadCloser, error) {
	head := &io.LimitedReader{R: block, N: DefaultMaxHeader}
	br := bufio.NewReader(head)
	if typ == "request" {
		req, err := http.ReadRequest(br)
		if err != nil {
			return nil, fmt.Errorf("parse http request: %w", err)
		}
		head.N = math.MaxInt64 // the body runs to the end of the block
		return req.Body, nil
	}
	req := &http.Request{Method: method}
	for {
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			return nil, fmt.Errorf("parse http response: %w", err)
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			head.N = math.MaxInt64
			return resp.Body, nil
		}
		_ = resp.Body.Close()
	}
}

// afterHTTPHeader skips the HTTP start line and header lines and returns
// the rest of the block untouched.
func afterHTTPHeader(block io.Reader) io.Reader {
	br := bufio.NewReader(block)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil || len(bytes.TrimRight(line, "\r\n")) == 0 {
			return br
		}
	}
}
