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

// ErrorKind classifies the error of a failed exchange for logs and metrics:
// "blocked", "dns", "connect", "tls", "timeout", "reset", "too-large",
// "header-too-large" or "other"; "" for nil.
//
// A timeout is reported as "timeout" wherever it happened (dialing, the
// handshake, waiting for headers, reading the body). "reset" covers any
// connection the server dropped after it was established.
func ErrorKind(err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrBlocked):
		return "blocked"
	case errors.Is(err, ErrHeaderTooLarge):
		return "header-too-large"
	case errors.Is(err, ErrBodyTooLarge):
		return "too-large"
	case errors.As(err, &dnsErr):
		return "dns"
	case isTimeout(err):
		return "timeout"
	case isTLS(err):
		return "tls"
	case isReset(err):
		return "reset"
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &opErr) && opErr.Op == "dial":
		return "connect"
	default:
		return "other"
	}
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
