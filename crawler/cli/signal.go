package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// signalContext derives from parent a context cancelled by the first
// SIGINT or SIGTERM; the abort channel closes on the second, which cuts
// the grace period short. stop releases the signals.
func signalContext(parent context.Context, stderr io.Writer) (ctx context.Context, abort <-chan struct{}, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	aborted := make(chan struct{})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		count := 0
		for {
			select {
			case s := <-sigs:
				count++
				if count == 1 {
					fmt.Fprintf(stderr, "arkisto: %s: finishing in-flight fetches (send again to stop at once)\n", s)
					cancel(fmt.Errorf("received %s", s))
				} else if count == 2 {
					fmt.Fprintf(stderr, "arkisto: %s: stopping now\n", s)
					close(aborted)
				}
			case <-done:
				return
			}
		}
	}()
	return ctx, aborted, func() { signal.Stop(sigs); close(done); cancel(nil) }
}
