package cli

import (
	"errors"
	"fmt"
	"io"
	"syscall"

	"arkisto/config"
	"arkisto/crawler"
)

// Exit statuses, chosen here and nowhere else.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2   // bad flag, config or seed
	ExitUnreachable = 3   // no seed could be fetched at all
	ExitInterrupted = 130 // stopped by SIGINT or SIGTERM
)

// usageError marks errors the user can fix by changing flags or config.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// errProblems makes validate exit 1 once it has printed what it found.
var errProblems = errors.New("problems found")

// ExitCode turns what a command returned into the process's exit status,
// telling stderr why when the command has not already.
func ExitCode(err error, stderr io.Writer) int {
	var usage usageError
	var field *config.FieldError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, crawler.ErrInterrupted):
		fmt.Fprintln(stderr, "arkisto: interrupted; every WARC file was closed")
		return ExitInterrupted
	case errors.Is(err, errProblems):
		return ExitFailure
	case errors.Is(err, crawler.ErrSeedsUnreachable):
		fmt.Fprintln(stderr, "arkisto:", err)
		return ExitUnreachable
	case errors.As(err, &usage), errors.As(err, &field):
		fmt.Fprintln(stderr, "arkisto:", err)
		return ExitUsage
	case errors.Is(err, syscall.ENOSPC):
		fmt.Fprintln(stderr, "arkisto:", err)
		fmt.Fprintln(stderr, "arkisto: the disk is full; every WARC file was closed. Free some space and run the same command again to resume.")
		return ExitFailure
	default:
		fmt.Fprintln(stderr, "arkisto:", err)
		return ExitFailure
	}
}
