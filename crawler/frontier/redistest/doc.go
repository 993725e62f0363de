// Package redistest runs a private redis-server for tests: on a free
// loopback port, in a folder of its own, with the append-only file as its
// only persistence, stopped when the test ends. Tests skip when
// redis-server is not installed, unless ARKISTO_REQUIRE_REDIS=1 (CI),
// where they fail instead.
package redistest
