package frontier

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// The on-disk frontier keeps five tables in one ordered key space, each
// key led by its table's byte. Integers in keys are big-endian so that
// byte order is numeric order.
const (
	tableSeen  byte = 's' // seenKey -> nothing
	tableQueue byte = 'q' // host id, priority, sequence -> item
	tableHosts byte = 'h' // host id -> host key and politeness state
	tableMeta  byte = 'm' // the caller's run metadata
	tableState byte = 'c' // the frontier's own counters
)

// tables lists every table's byte, for bbolt, which keeps each in a bucket.
const tables = string(tableSeen) + string(tableQueue) + string(tableHosts) + string(tableMeta) + string(tableState)

// stateFormat is the version of the layout below, checked on open so a
// future layout is not misread.
const stateFormat = 1

var errCorrupt = errors.New("frontier state corrupt")

// seenKey is a URL's key in the seen set: a 32-bit hash of its authority,
// so that URLs of one site sit together on disk and a burst of links from
// one page touches few pages, then a 64-bit hash of the whole URL. Keeping
// hashes rather than URLs keeps the set small; two URLs of one authority
// collide with odds of about n²/2⁶⁵ (about one in 370,000 for 10 million URLs),
// the fingerprint width Heritrix's seen set uses too.
type seenKey [13]byte

func newSeenKey(url string) seenKey {
	var k seenKey
	k[0] = tableSeen
	a := fnv.New32a()
	a.Write([]byte(authority(url)))
	binary.BigEndian.PutUint32(k[1:5], a.Sum32())
	sum := sha256.Sum256([]byte(url))
	copy(k[5:], sum[:8])
	return k
}

// authority is what lies between "scheme://" and the path of url.
func authority(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		url = url[i+3:]
	}
	if i := strings.IndexAny(url, "/?#"); i >= 0 {
		url = url[:i]
	}
	return url
}

// tableRange bounds every key of table t.
func tableRange(t byte) (lower, upper []byte) { return []byte{t}, []byte{t + 1} }

const queueKeyLen = 10

// queueKey places an item in its host's queue for its priority; seq gives
// first in, first out order.
func queueKey(host uint32, p Priority, seq uint32) []byte {
	k := make([]byte, queueKeyLen)
	k[0] = tableQueue
	binary.BigEndian.PutUint32(k[1:5], host)
	k[5] = byte(p)
	binary.BigEndian.PutUint32(k[6:], seq)
	return k
}

func parseQueueKey(k []byte) (host uint32, p Priority, seq uint32, err error) {
	if len(k) != queueKeyLen || k[0] != tableQueue || Priority(k[5]) >= numPriorities {
		return 0, 0, 0, fmt.Errorf("queue key %x: %w", k, errCorrupt)
	}
	return binary.BigEndian.Uint32(k[1:5]), Priority(k[5]), binary.BigEndian.Uint32(k[6:]), nil
}

func hostRecordKey(id uint32) []byte {
	k := make([]byte, 5)
	k[0] = tableHosts
	binary.BigEndian.PutUint32(k[1:], id)
	return k
}

// metaKey adds a byte so that the empty key is a key too.
func metaKey(key string) []byte { return append([]byte{tableMeta, ':'}, key...) }

var stateKey = []byte{tableState, 's'}

// encodeItem stores what the key does not already say (host and priority).
// The URL is stored as the part that differs from the host key and Via as
// the part that differs from the URL: both usually share a long prefix.
func encodeItem(it Item) []byte {
	b := make([]byte, 0, 16+len(it.URL)+len(it.Hops)+len(it.Via))
	b = binary.AppendVarint(b, int64(it.Depth))
	b = binary.AppendVarint(b, int64(it.Attempt))
	b = appendDelta(b, it.Host, it.URL)
	b = appendString(b, it.Hops)
	b = appendDelta(b, it.URL, it.Via)
	b = binary.AppendVarint(b, int64(it.Doc))
	return b
}

func decodeItem(b []byte, host string, p Priority) (Item, error) {
	d := decoder{b: b}
	it := Item{Host: host, Priority: p}
	it.Depth = int(d.varint())
	it.Attempt = int(d.varint())
	it.URL = d.delta(host)
	it.Hops = d.string()
	it.Via = d.delta(it.URL)
	it.Doc = Doc(d.varint())
	if err := d.end(); err != nil {
		return Item{}, fmt.Errorf("decode item of %s: %w", host, err)
	}
	return it, nil
}

// hostRecord is what a host keeps on disk: its key and the part of its
// politeness state that must outlive a restart.
type hostRecord struct {
	key       string
	notBefore time.Time
	gap       time.Duration
}

func (r hostRecord) equal(o hostRecord) bool {
	return r.key == o.key && r.notBefore.Equal(o.notBefore) && r.gap == o.gap
}

func encodeHost(r hostRecord) []byte {
	b := appendString(nil, r.key)
	b = binary.AppendVarint(b, unixNano(r.notBefore))
	return binary.AppendVarint(b, int64(r.gap))
}

func decodeHost(b []byte) (hostRecord, error) {
	d := decoder{b: b}
	r := hostRecord{key: d.string()}
	r.notBefore = fromUnixNano(d.varint())
	r.gap = time.Duration(d.varint())
	if err := d.end(); err != nil {
		return hostRecord{}, fmt.Errorf("decode host: %w", err)
	}
	return r, nil
}

// diskState holds the counters the tables cannot cheaply give back.
type diskState struct {
	nextHostID uint32
	seen       int
}

func encodeState(s diskState) []byte {
	b := binary.AppendUvarint(nil, stateFormat)
	b = binary.AppendUvarint(b, uint64(s.nextHostID))
	return binary.AppendUvarint(b, uint64(s.seen))
}

func decodeState(b []byte) (diskState, error) {
	d := decoder{b: b}
	if f := d.uvarint(); d.err == nil && f != stateFormat {
		return diskState{}, fmt.Errorf("state format %d, this build reads %d", f, stateFormat)
	}
	s := diskState{nextHostID: uint32(d.uvarint()), seen: int(d.uvarint())}
	if err := d.end(); err != nil {
		return diskState{}, fmt.Errorf("decode state: %w", err)
	}
	return s, nil
}

// unixNano keeps the zero time as 0: time.Time{} has no UnixNano.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendDelta stores s as the length of the prefix it shares with base and
// the rest of it.
func appendDelta(b []byte, base, s string) []byte {
	n := 0
	for n < len(base) && n < len(s) && base[n] == s[n] {
		n++
	}
	b = binary.AppendUvarint(b, uint64(n))
	return appendString(b, s[n:])
}

// decoder reads what the append functions wrote; the first fault sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) delta(base string) string {
	n := d.uvarint()
	rest := d.string()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(base)) {
		d.err = errCorrupt
		return ""
	}
	return base[:n] + rest
}

// end reports a fault, or bytes left over.
func (d *decoder) end() error {
	if d.err == nil && len(d.b) > 0 {
		d.err = errCorrupt
	}
	return d.err
}
