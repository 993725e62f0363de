package frontier

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// seenBuckets is how many sets the seen set is split into. Each holds
// 64-bit URL hashes; while a set holds integers only and no more than
// Redis's set-max-intset-entries (512 by default) it is an intset, 8 bytes
// per URL. 65,536 buckets keep every bucket an intset up to about 25
// million URLs; past that the fullest turn into hash tables, which work
// the same and take several times the memory.
const seenBuckets = 1 << 16

// seenHash places url in the seen set: its bucket and the 64-bit hash kept
// there (two URLs of one bucket collide with odds of n²/2⁶⁵ over n URLs,
// as in Bolt).
func seenHash(url string) (bucket, hash string) {
	sum := sha256.Sum256([]byte(url))
	b := int(binary.BigEndian.Uint16(sum[8:10])) % seenBuckets
	h := int64(binary.BigEndian.Uint64(sum[:8]))
	return strconv.Itoa(b), strconv.FormatInt(h, 10)
}

// micros is t as the integer microseconds Redis keeps ready times and
// lease expiries in (a float64 score holds them exactly), rounded up so
// that a host is never due before its ready time.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	us := t.UnixMicro()
	if time.UnixMicro(us).Before(t) {
		us++
	}
	return us
}

// nowMicros is now in microseconds, rounded down: compared with ready
// times rounded up, a host is due only once its ready time has come.
func nowMicros(now time.Time) int64 { return now.UnixMicro() }

func fromMicros(s string) (time.Time, error) {
	us, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("read time %q: %w", s, errCorrupt)
	}
	if us == 0 {
		return time.Time{}, nil
	}
	return time.UnixMicro(us), nil
}

// encodeHostState is the whole politeness state of a host, as Redis keeps
// it for every process to apply the rules to.
func encodeHostState(s hostState) string {
	b := binary.AppendUvarint(nil, uint64(s.inFlight))
	blocking := uint64(0)
	if s.blocking {
		blocking = 1
	}
	b = binary.AppendUvarint(b, blocking)
	b = binary.AppendVarint(b, unixNano(s.notBefore))
	b = binary.AppendVarint(b, unixNano(s.lastStart))
	b = binary.AppendVarint(b, int64(s.gap))
	b = binary.AppendVarint(b, unixNano(s.ready))
	return string(b)
}

func decodeHostState(raw string) (hostState, error) {
	d := decoder{b: []byte(raw)}
	s := hostState{inFlight: int(d.uvarint()), blocking: d.uvarint() == 1}
	s.notBefore = fromUnixNano(d.varint())
	s.lastStart = fromUnixNano(d.varint())
	s.gap = time.Duration(d.varint())
	s.ready = fromUnixNano(d.varint())
	if err := d.end(); err != nil {
		return hostState{}, fmt.Errorf("decode host state: %w", err)
	}
	return s, nil
}

// stateArgs are a host state's three fields in Redis: the state, its ready
// time and its admission, which the scripts read to place the host.
func (p politeness) stateArgs(s hostState) []any {
	return []any{encodeHostState(s), micros(s.ready), int(p.admits(s))}
}

// parseLease reads a lease record: priority digit, host, '\n', item.
func parseLease(rec string) (host string, p Priority, item string, err error) {
	head, item, ok := strings.Cut(rec, "\n")
	if !ok || len(head) < 2 || head[0] < '0' || head[0] >= '0'+byte(numPriorities) {
		return "", 0, "", fmt.Errorf("lease record %q: %w", head, errCorrupt)
	}
	return head[1:], Priority(head[0] - '0'), item, nil
}
