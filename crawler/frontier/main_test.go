package frontier_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Next starts timers and callers block in it from their own goroutines:
// none of them may outlive a test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
