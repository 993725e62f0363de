package capture

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

var (
	// ErrBodyTooLarge is Exchange.Err of a body cut at MaxBodySize. The
	// caller of RoundTrip sees io.EOF instead, and keeps the bytes it got.
	ErrBodyTooLarge = errors.New("response body larger than the size limit")
	// ErrHeaderTooLarge is returned when the response header block passes
	// MaxHeaderBytes.
	ErrHeaderTooLarge = errors.New("response header larger than the size limit")
	// ErrTLSHandshake wraps every failed TLS handshake.
	ErrTLSHandshake = errors.New("tls handshake failed")
	// ErrBlocked is wrapped by the error of an exchange whose host had
	// every address refused by Options.AllowDial; nothing was dialed.
	ErrBlocked = errors.New("refused by the dial guard")

	errRecording  = errors.New("record response bytes")
	errNoRecorder = errors.New("no exchange recorder in the dial context")
)

// ErrorKind names how an exchange failed, for crawl.log and metrics. The
// crawler decides on it too: KindNoSuchHost is final for the host, while
// KindDNS, KindConnect, KindTimeout and KindReset may pass.
type ErrorKind string

// The kinds KindOf returns.
const (
	KindBlocked        ErrorKind = "blocked"          // every address refused by Options.AllowDial
	KindNoSuchHost     ErrorKind = "no-such-host"     // the name does not exist (NXDOMAIN)
	KindDNS            ErrorKind = "dns"              // the lookup failed for now: timeout, SERVFAIL, no server
	KindConnect        ErrorKind = "connect"          // refused or unreachable
	KindTLS            ErrorKind = "tls"              // handshake or certificate
	KindTimeout        ErrorKind = "timeout"          // wherever it happened
	KindReset          ErrorKind = "reset"            // dropped after it was established
	KindTooLarge       ErrorKind = "too-large"        // body cut at MaxBodySize
	KindHeaderTooLarge ErrorKind = "header-too-large" // header block past MaxHeaderBytes
	KindOther          ErrorKind = "other"
)

// ErrorKinds lists every kind KindOf returns for an error, so that a
// metric can create its series before the first failure.
func ErrorKinds() []ErrorKind {
	return []ErrorKind{KindBlocked, KindNoSuchHost, KindDNS, KindConnect, KindTLS, KindTimeout,
		KindReset, KindTooLarge, KindHeaderTooLarge, KindOther}
}

// KindOf classifies the error of a failed exchange; "" for nil.
//
// A timeout is reported as KindTimeout wherever it happened (dialing, the
// handshake, waiting for headers, reading the body), except a lookup's,
// which is KindDNS. KindReset covers any connection the server dropped
// after it was established.
func KindOf(err error) ErrorKind {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrBlocked):
		return KindBlocked
	case errors.Is(err, ErrHeaderTooLarge):
		return KindHeaderTooLarge
	case errors.Is(err, ErrBodyTooLarge):
		return KindTooLarge
	case errors.As(err, &dnsErr) && noSuchHost(dnsErr):
		return KindNoSuchHost
	case errors.As(err, &dnsErr):
		return KindDNS
	case isTimeout(err):
		return KindTimeout
	case isTLS(err):
		return KindTLS
	case isReset(err):
		return KindReset
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &opErr) && opErr.Op == "dial":
		return KindConnect
	default:
		return KindOther
	}
}

// noSuchHost tells a name that does not exist from a lookup that failed
// for now. Go's resolver sets IsNotFound for NXDOMAIN (and for a name with
// no address of the asked family) but not for SERVFAIL, timeouts or an
// unreachable server, which set IsTemporary or IsTimeout instead.
func noSuchHost(err *net.DNSError) bool {
	return err.IsNotFound && !err.IsTimeout && !err.IsTemporary
}

func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isTLS(err error) bool {
	var recordErr tls.RecordHeaderError
	var alert tls.AlertError
	var verifyErr *tls.CertificateVerificationError
	return errors.Is(err, ErrTLSHandshake) ||
		errors.As(err, &recordErr) || errors.As(err, &alert) || errors.As(err, &verifyErr)
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// truncation names why a body read failed, as WARC-Truncated spells it.
func truncation(err error) string {
	switch {
	case errors.Is(err, errRecording):
		return TruncatedUnspecified
	case isTimeout(err):
		return TruncatedTime
	case errors.Is(err, context.Canceled):
		return TruncatedUnspecified
	default:
		return TruncatedDisconnect
	}
}
