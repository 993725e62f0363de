package capture

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// recordingConn tees every byte written into the request record and every
// byte read into the response spool of the exchange it serves. Over TLS it
// wraps the *tls.Conn, so both hold plaintext HTTP.
//
// net/http's HTTP/1.1 client never pipelines: a connection carries one
// exchange at a time, and the next request is written only after the
// previous response was read to its end. So switching the exchange when
// net/http hands the connection out (attach) splits the bytes exactly:
// every byte of a response arrives after its request was written.
type recordingConn struct {
	net.Conn
	peer

	rec atomic.Pointer[recorder] // the exchange served now; nil while idle
	mu  sync.Mutex               // orders serve and release with the deadline they set
}

// peer is what a connection tells about the server it reaches, the same
// for every exchange it carries.
type peer struct {
	ip      string // remote IP dialed
	certErr error  // over TLS, why the certificate would not verify; nil if it would
}

func (c *recordingConn) Write(p []byte) (int, error) {
	rec := c.rec.Load()
	if rec == nil {
		// Bytes sent outside an exchange would be missing from every record.
		return 0, fmt.Errorf("write to %s: %w", c.ip, errNoRecorder)
	}
	return rec.write(c.Conn, p)
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		// Bytes read while idle belong to no exchange: net/http reports
		// them as an unsolicited response and closes the connection.
		if rec := c.rec.Load(); rec != nil {
			if rerr := rec.read(p[:n]); rerr != nil {
				// Bytes we cannot record would make a false archive: fail the
				// exchange instead.
				return n, rerr
			}
		}
	}
	return n, err
}

// serve makes rec the exchange the connection carries, under its deadline.
func (c *recordingConn) serve(rec *recorder) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rec.Store(rec)
	// A reused connection still has the previous exchange's deadline (or
	// none); the zero time clears it when this exchange has none.
	if err := c.Conn.SetDeadline(rec.deadline); err != nil {
		return fmt.Errorf("set deadline on connection to %s: %w", c.ip, err)
	}
	return nil
}

// release detaches rec if the connection still serves it, so that an idle
// connection records nothing and is not cut by an old deadline.
func (c *recordingConn) release(rec *recorder) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rec.CompareAndSwap(rec, nil) {
		// An error means the connection is broken, and net/http finds out
		// on its next read.
		_ = c.Conn.SetDeadline(time.Time{})
	}
}
