package capture

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"time"
)

// Transport is an http.RoundTripper that records every exchange it makes.
// Build it with New. It is safe for concurrent use.
type Transport struct {
	opts   Options
	inner  *http.Transport
	drains drainBuffers
}

// New returns a Transport configured by opts.
func New(opts Options) *Transport {
	t := &Transport{opts: opts.withDefaults()}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	t.inner = &http.Transport{
		Proxy:          nil, // never an environment proxy: the archive must hold the origin's bytes
		DialContext:    t.dialPlain,
		DialTLSContext: t.dialTLS,
		// HTTP/2 would multiplex exchanges over one framed, compressed
		// stream; an empty TLSNextProto and HTTP/1 alone keep it out.
		TLSNextProto:      map[string]func(string, *tls.Conn) http.RoundTripper{},
		Protocols:         protocols,
		ForceAttemptHTTP2: false,
		// Without keep-alive one connection carries exactly one exchange, as
		// Heritrix and internetarchive/gowarc record. With it, each exchange
		// is attached to the connection net/http hands out (see
		// recordingConn), and a request net/http retries on a new connection
		// keeps only that connection's bytes.
		DisableKeepAlives: !t.opts.KeepAlive,
		MaxIdleConns:      maxIdleConns,
		IdleConnTimeout:   idleConnTimeout,
		// The caller asks for gzip itself and RoundTrip decodes it, bounded
		// by MaxDecodedSize; the record keeps the encoded bytes.
		DisableCompression:     true,
		ResponseHeaderTimeout:  t.opts.ResponseHeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: t.opts.MaxHeaderBytes,
	}
	return t
}

// RoundTrip sends req on a recorded connection and returns the response
// with its status, whatever it is: redirects are left to the caller. The
// exchange is reported to OnExchange once the returned body is closed or
// fails, or at once if RoundTrip fails after writing the request.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	var ctx context.Context
	var cancel context.CancelFunc
	var deadline time.Time
	if t.opts.Timeout > 0 {
		deadline = start.Add(t.opts.Timeout)
		ctx, cancel = context.WithDeadline(req.Context(), deadline)
	} else {
		ctx, cancel = context.WithCancel(req.Context())
	}
	rec := &recorder{deadline: deadline, response: newSpool(t.opts.SpoolDir, t.opts.MemoryLimit)}
	x := &exchange{req: req, start: start, keepConn: t.opts.KeepAlive, rec: rec, cancel: cancel, onExchange: t.opts.OnExchange}

	// net/http tells which connection carries the request before it writes
	// a byte of it; the dial reads the recorder for its deadline.
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if conn, ok := info.Conn.(*recordingConn); ok {
			if err := rec.attach(conn); err != nil {
				// Unrecorded bytes would make a false archive: the write
				// on the closed connection fails the request instead.
				_ = conn.Close()
			}
		}
	}})
	resp, err := t.inner.RoundTrip(req.WithContext(context.WithValue(ctx, recorderKey{}, rec)))
	if err != nil {
		err = t.explain(err, rec)
		x.finish(outcome{err: err})
		return nil, err
	}
	resp.Request = req
	// colly gunzips a body itself, with no bound, unless told it is
	// already uncompressed; the decoding is done here instead, bounded.
	resp.Uncompressed = true
	resp.Body = t.callerBody(resp, x)
	return resp, nil
}

// callerBody stacks what the caller reads on the response body: the raw
// body, bounded by MaxBodySize, which feeds the record; its content coding
// removed, if any; and the caller's limit, if any. The top of the stack
// ends the exchange.
func (t *Transport) callerBody(resp *http.Response, x *exchange) io.ReadCloser {
	coding := contentCoding(resp)
	finish := x.finish
	var top *capped
	if limit := t.callerLimit(resp, coding != ""); limit >= 0 {
		top = newCapped(limit, x.finish)
		finish = top.belowEnded
	}
	var rc io.ReadCloser
	if coding == "" {
		rc = newBody(resp, t.opts.MaxBodySize, &t.drains, finish)
	} else {
		rc = newDecoded(newBody(resp, t.opts.MaxBodySize, &t.drains, nil), coding, finish)
		// As net/http does when it decodes: the headers the caller sees
		// describe the decoded body it reads. The record keeps the originals.
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
	}
	if top == nil {
		return rc
	}
	top.rc = rc
	return top
}

// explain marks a header block cut at MaxHeaderBytes. net/http reports it
// with an unexported, unwrappable error; what tells it apart is that the
// failure is not a network error and the whole header budget was read.
func (t *Transport) explain(err error, rec *recorder) error {
	var ne net.Error
	if errors.As(err, &ne) || rec.response.Size() < t.opts.MaxHeaderBytes {
		return err
	}
	return fmt.Errorf("read response header: %w: %w", ErrHeaderTooLarge, err)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport.
func (t *Transport) CloseIdleConnections() {
	t.inner.CloseIdleConnections()
}

// Close releases idle resources. Exchanges in flight are not interrupted.
func (t *Transport) Close() error {
	t.inner.CloseIdleConnections()
	return nil
}
