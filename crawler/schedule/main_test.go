package schedule_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The daemon starts a scheduler, an HTTP server and a goroutine per run:
// none may outlive Run.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
