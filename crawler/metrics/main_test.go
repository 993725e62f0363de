package metrics

import (
	"testing"

	"go.uber.org/goleak"
)

// Serve and PushEvery start goroutines: none may outlive a test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
