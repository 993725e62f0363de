package capture

import (
	"io"
	"net/http"
	"sync"
)

// capped is the caller's view of a body it may read only the first limit
// bytes of (decoded bytes when a content coding is removed). Past them the
// caller gets io.EOF; the bytes it leaves are not read into memory but
// drained into the record when it closes the body, as any unread body is.
// It ends the exchange itself, so that a cut it found is part of the
// Exchange handed over.
type capped struct {
	mu    sync.Mutex // Close waits for a Read in flight
	rc    io.ReadCloser
	left  int64
	probe bool // whether reaching the limit needs a check for more bytes
	eof   bool // the caller got io.EOF or an error: no more reads
	cut   bool // bytes followed the limit
	onEnd func(outcome)

	below *outcome // how the body below ended, once it has
	ended bool     // onEnd was called
}

// newCapped returns a capped body whose rc must report its end to
// belowEnded. A limit of 0 is a body the caller is not meant to read (an
// image, a video): it is not told apart from an empty one. A larger limit
// reached while more bytes follow sets the exchange's ReadCut.
func newCapped(limit int64, onEnd func(outcome)) *capped {
	return &capped{left: limit, probe: limit > 0, onEnd: onEnd}
}

// belowEnded is the onEnd of the body below. It is called from within
// c.rc.Read or c.rc.Close, which c calls with c.mu held.
func (c *capped) belowEnded(o outcome) { c.below = &o }

// settle ends the exchange once the body below has ended.
func (c *capped) settle() {
	if c.below == nil || c.ended {
		return
	}
	c.ended = true
	o := *c.below
	o.readCut = c.cut
	c.onEnd(o)
}

func (c *capped) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.settle()
	if c.eof {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if c.left == 0 {
		c.eof = true
		if c.probe {
			c.checkForMore()
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	if err != nil {
		c.eof = true
	}
	return n, err
}

// checkForMore reads one byte past the limit: any byte means the caller's
// body was cut. That byte is in the record but never reaches the caller.
func (c *capped) checkForMore() {
	var one [1]byte
	for {
		n, err := c.rc.Read(one[:])
		if n > 0 {
			c.cut = true
			return
		}
		if err != nil {
			return
		}
	}
}

// Close hands the rest of the body to the record and ends the exchange.
func (c *capped) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.settle()
	c.eof = true
	return c.rc.Close()
}

// callerLimit is how many body bytes the caller of RoundTrip may read
// from resp: what Options.ReadLimit says, and, when a content coding is
// removed, at most MaxDecodedSize. Negative means no limit.
func (t *Transport) callerLimit(resp *http.Response, decoded bool) int64 {
	limit := int64(-1)
	if t.opts.ReadLimit != nil {
		limit = t.opts.ReadLimit(resp)
	}
	if decoded && t.opts.MaxDecodedSize >= 0 && (limit < 0 || limit > t.opts.MaxDecodedSize) {
		limit = t.opts.MaxDecodedSize
	}
	return limit
}
