package cli

import (
	"path/filepath"
	"testing"
)

// qa says what is wrong before it starts a browser: a missing or bad
// replay address, no Chromium (and how to get it), no page list.
func TestQARefuses(t *testing.T) {
	dir := t.TempDir()
	replay := "http://127.0.0.1:9/coll/" // never dialed
	for _, tt := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no replay address", []string{"qa", dir}, ExitUsage, []string{"--replay"}},
		{"replay address without collection", []string{"qa", dir, "--replay", "http://127.0.0.1:9/"}, ExitUsage, []string{"COLL"}},
		{"no chromium", []string{"qa", dir, "--replay", replay, "--chromium", filepath.Join(dir, "no-chromium")},
			ExitUsage, []string{"chromium not found", "apt-get install chromium", "no-chromium"}},
		{"no page list", []string{"qa", dir, "--replay", replay, "--chromium", "sh"}, ExitFailure, []string{"no page list", "pages.jsonl"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			checkExit(t, code, stderr, tt.code, tt.want...)
		})
	}
}
