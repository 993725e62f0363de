package capture

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Values of Exchange.Truncated, as WARC-Truncated spells them.
const (
	TruncatedLength      = "length"      // MaxBodySize reached
	TruncatedTime        = "time"        // Timeout or another deadline reached
	TruncatedDisconnect  = "disconnect"  // the connection failed mid-body
	TruncatedUnspecified = "unspecified" // the caller cancelled, or recording failed
)

// Exchange is one HTTP request and its response as they crossed the wire.
//
// When Truncated is set the response headers arrived and the body was cut;
// Err says why. When Err is set and Truncated is empty, no usable response
// arrived and Response holds whatever was read (possibly nothing).
type Exchange struct {
	Request    *http.Request
	RawRequest []byte        // exactly the bytes written to the connection
	Response   *Spool        // exactly the bytes read from the connection, 1xx responses included
	IP         string        // remote IP actually dialed
	Start      time.Time     // when RoundTrip began
	Duration   time.Duration // from Start until the exchange ended
	Truncated  string        // "", TruncatedLength, TruncatedTime, TruncatedDisconnect or TruncatedUnspecified
	Err        error         // non-nil if the exchange ended before a complete response

	// ReadCut is set when the caller's body stopped at its limit
	// (Options.ReadLimit, or MaxDecodedSize for a decoded body) while more
	// bytes followed. The record is not affected: it keeps the body as it
	// came, up to MaxBodySize.
	ReadCut bool
	// DecodeErr is the reason the content coding could not be decoded to
	// its end (a corrupt or short gzip or deflate stream, trailing
	// garbage): the caller got what decoded cleanly, then io.EOF. It is not
	// set when the body itself was cut or failed; Err tells that.
	DecodeErr error
	// CertError says, over TLS, why the server's certificate would not
	// verify; nil when it would, and for plain HTTP. The exchange went on
	// all the same (see Options.TLSConfig).
	CertError error
}

// Close releases the recorded response.
func (e *Exchange) Close() error {
	return e.Response.Close()
}

// recorderKey carries the exchange's recorder from RoundTrip to the dial
// functions through the request context, whose values net/http keeps for
// the dial.
type recorderKey struct{}

// recorder collects the bytes of one exchange's connection.
type recorder struct {
	deadline time.Time // zero = none; applied to dialing and to the connection
	response *Spool

	// writing is held across each connection write and its recording, so
	// that seal sees a write the peer already answered: the writer
	// goroutine may not have returned from the syscall yet when the
	// response is complete.
	writing sync.Mutex

	mu      sync.Mutex
	request bytes.Buffer
	conn    *recordingConn // the connection the exchange went out on; nil until attached
	sealed  bool
}

func recorderFrom(ctx context.Context) *recorder {
	rec, _ := ctx.Value(recorderKey{}).(*recorder)
	return rec
}

// write sends p on conn and records what was sent.
func (r *recorder) write(conn net.Conn, p []byte) (int, error) {
	r.writing.Lock()
	defer r.writing.Unlock()
	n, err := conn.Write(p)
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.sealed {
		r.request.Write(p[:n])
	}
	return n, err
}

func (r *recorder) read(p []byte) error {
	if err := r.response.write(p); err != nil {
		return fmt.Errorf("%w: %w", errRecording, err)
	}
	return nil
}

// attach makes conn the exchange's connection when net/http hands it out:
// a new one, an idle one an earlier exchange left, or the next one when a
// request on a reused connection failed before any answer and net/http
// sends it again. Only the bytes of that last connection are the
// exchange's: what a failed attempt recorded is dropped.
func (r *recorder) attach(conn *recordingConn) error {
	r.writing.Lock()
	defer r.writing.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sealed {
		return nil
	}
	if r.conn != nil && r.conn != conn {
		r.conn.release(r)
	}
	r.conn = conn
	r.request.Reset()
	if err := r.response.reset(); err != nil {
		return fmt.Errorf("%w: %w", errRecording, err)
	}
	return conn.serve(r)
}

// seal stops recording and returns what was recorded. Unless the exchange
// ended cleanly on a connection kept for reuse, it closes the connection
// first, which unblocks a write in flight and stops late reads; net/http
// closing it again later is harmless.
func (r *recorder) seal(keepConn bool) (request []byte, server peer) {
	r.mu.Lock()
	conn := r.conn
	r.mu.Unlock()
	if conn != nil && !keepConn {
		_ = conn.Close() // the exchange is over; its errors are in Err already
	}
	r.writing.Lock()
	defer r.writing.Unlock()
	r.response.seal()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sealed = true
	if conn == nil {
		return bytes.Clone(r.request.Bytes()), peer{}
	}
	if keepConn {
		conn.release(r)
	}
	return bytes.Clone(r.request.Bytes()), conn.peer
}

// outcome is how an exchange ended.
type outcome struct {
	err       error
	truncated string
	readCut   bool
	decodeErr error
}

// exchange is the transport's bookkeeping for one RoundTrip until its
// Exchange is handed over.
type exchange struct {
	req        *http.Request
	start      time.Time
	keepConn   bool // keep-alive is on: a clean end leaves the connection to net/http
	rec        *recorder
	cancel     context.CancelFunc // releases the exchange's context
	onExchange func(*Exchange)
	once       sync.Once
}

// finish ends the exchange once, whatever path gets there first.
func (x *exchange) finish(o outcome) {
	x.once.Do(func() {
		x.cancel()
		raw, server := x.rec.seal(x.keepConn && o.err == nil && o.truncated == "")
		if len(raw) == 0 || x.onExchange == nil {
			// Nothing was sent, so there is nothing to archive.
			_ = x.rec.response.Close()
			return
		}
		x.onExchange(&Exchange{
			Request:    x.req,
			RawRequest: raw,
			Response:   x.rec.response,
			IP:         server.ip,
			CertError:  server.certErr,
			Start:      x.start,
			Duration:   time.Since(x.start),
			Truncated:  o.truncated,
			Err:        o.err,
			ReadCut:    o.readCut,
			DecodeErr:  o.decodeErr,
		})
	})
}
