package warc

import (
	"io"
	"time"
)

// Block is a stored byte sequence that can be read more than once (one pass
// for digests, one for writing), whether it lives in memory or on disk.
type Block interface {
	io.ReaderAt
	Size() int64
}

// Exchange is one captured HTTP exchange, as the crawler's recorder saw it.
type Exchange struct {
	TargetURI string    // absolute URI, no angle brackets
	IP        string    // address actually dialed, "" when unknown
	Date      time.Time // when the request was sent
	Request   []byte    // request bytes exactly as sent
	Response  Block     // response bytes exactly as received (status line, headers, body with its encodings)
	Truncated string    // "", "length", "time" or "disconnect": why Response stops early
}

// Written describes one record after it reached a WARC file.
type Written struct {
	RecordID      string // "<urn:uuid:...>"
	Type          string // "response", "request", "revisit", "warcinfo", "resource", "metadata"
	TargetURI     string
	Date          time.Time
	File          string // base name of the final (closed) file, without ".open"
	Offset        int64  // offset of the record's gzip member in the file
	Length        int64  // compressed length of that member
	BlockDigest   string // "sha1:BASE32"
	PayloadDigest string // "sha1:BASE32", de-chunked entity body; "" for records without payload
	HTTPStatus    int    // response and revisit records; 0 otherwise
	MIME          string // Content-Type of the HTTP payload without parameters, "" if none
	Method        string // request method for request records and their responses ("GET" usually)
}
