package capture

import (
	"errors"
	"io"
	"net/http"
	"sync"
)

// drainBuffer is the read size used when the caller closes a body early.
const drainBuffer = 32 << 10

// drainBuffers hands out buffers of drainBuffer bytes. Most bodies are
// drained (an image is read by nobody but the record): a buffer of its own
// for each was a fifth of the bytes a crawl allocated.
type drainBuffers struct{ pool sync.Pool }

func (d *drainBuffers) get() *[]byte {
	if b, ok := d.pool.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, drainBuffer)
	return &b
}

func (d *drainBuffers) put(b *[]byte) { d.pool.Put(b) }

// body wraps a response body: it enforces MaxBodySize, names why a body was
// cut, and tells how it ended when it is done.
type body struct {
	mu    sync.Mutex // Close waits for a Read in flight: both touch the same stream
	rc    io.ReadCloser
	limit int64 // 0 = none
	probe bool  // whether reaching limit needs a check for more bytes
	// onEnd is told how the body ended, once. nil leaves that to a decoder
	// reading this body: only it knows, once this body is done, how
	// decoding went.
	onEnd  func(outcome)
	drain  *drainBuffers // what Close reads the rest through
	n      int64
	done   bool
	ended  outcome // how the body ended, once done
	result error   // what Read returns once done
}

func newBody(resp *http.Response, limit int64, drain *drainBuffers, onEnd func(outcome)) *body {
	// A declared length within the limit ends by itself; otherwise, at the
	// limit one more byte must be tried to know whether the body was cut.
	probe := limit > 0 && (resp.ContentLength < 0 || resp.ContentLength > limit)
	return &body{rc: resp.Body, limit: limit, probe: probe, drain: drain, onEnd: onEnd}
}

// Read returns at most MaxBodySize bytes in all, then io.EOF.
func (b *body) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.read(p)
}

func (b *body) read(p []byte) (int, error) {
	if b.done {
		return 0, b.result
	}
	if len(p) == 0 {
		return 0, nil
	}
	if b.limit > 0 {
		left := b.limit - b.n
		if left == 0 && b.probe {
			return 0, b.checkForMore()
		}
		if left > 0 && int64(len(p)) > left {
			p = p[:left]
		}
	}
	n, err := b.rc.Read(p)
	b.n += int64(n)
	switch {
	case errors.Is(err, io.EOF):
		b.end(nil, "", io.EOF)
		return n, io.EOF
	case err != nil:
		b.end(err, truncation(err), err)
	}
	return n, err
}

// checkForMore reads one byte past the limit: any byte means the body was
// cut. That byte is in the record but never reaches the caller.
func (b *body) checkForMore() error {
	var one [1]byte
	for {
		n, err := b.rc.Read(one[:])
		switch {
		case n > 0:
			b.end(ErrBodyTooLarge, TruncatedLength, io.EOF)
		case errors.Is(err, io.EOF):
			b.end(nil, "", io.EOF)
		case err != nil:
			b.end(err, truncation(err), err)
		default:
			continue
		}
		return b.result
	}
}

// end closes the stream (which closes the connection if the body was not
// finished), then tells how the body ended.
func (b *body) end(cause error, truncated string, result error) {
	b.done = true
	b.result = result
	closeErr := b.rc.Close()
	if cause == nil && closeErr != nil {
		cause = closeErr
	}
	b.ended = outcome{err: cause, truncated: truncated}
	if b.onEnd != nil {
		b.onEnd(b.ended)
	}
}

// state reports whether the body is done, how it ended and what Read
// returns now.
func (b *body) state() (done bool, ended outcome, result error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.done, b.ended, b.result
}

// Close reads what the caller left unread, up to the limits, so the record
// holds the whole response, then ends the exchange.
func (b *body) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return nil
	}
	// A failed drain is already told by the exchange (Err, Truncated); the
	// caller, who gave up on the body, has no use for it.
	buf := b.drain.get()
	defer b.drain.put(buf)
	for !b.done {
		_, _ = b.read(*buf)
	}
	return nil
}
