package warc

import (
	"io"
	"math"

	"arkisto/warc/spool"
)

// blockSink takes each block as the reader parses it. It keeps in the
// spool as much as the BlockMode asks and counts the rest, remembering the
// last four bytes of the block, which the end-marker checks need: so a
// block the caller does not want costs neither memory nor disk.
type blockSink struct {
	buf  *spool.Buffer
	keep int64       // bytes of each block kept in buf
	seen tailCounter // every byte of the block
}

func newBlockSink(buf *spool.Buffer, mode BlockMode, maxHeader int) blockSink {
	keep := int64(math.MaxInt64)
	switch mode {
	case KeepBlockHead:
		keep = int64(maxHeader)
	case SkipBlock:
		keep = 0
	}
	return blockSink{buf: buf, keep: keep}
}

func (s *blockSink) reset() error {
	s.seen = tailCounter{}
	return s.buf.Reset()
}

func (s *blockSink) Write(p []byte) (int, error) {
	if room := s.keep - s.seen.n; room > 0 {
		if _, err := s.buf.Write(p[:min(int64(len(p)), room)]); err != nil {
			return 0, err
		}
	}
	return s.seen.Write(p)
}

// size is how many block bytes were taken, kept or not.
func (s *blockSink) size() int64 { return s.seen.n }

// tail returns the last four bytes taken (fewer when the block is shorter).
func (s *blockSink) tail() string { return s.seen.tail() }

// view returns the first size bytes of the block, as far as they were kept.
func (s *blockSink) view(size int64) Block {
	return io.NewSectionReader(s.buf, 0, min(size, s.buf.Size()))
}

// tailCounter counts bytes written to it and keeps the last four, which
// may include bytes seeded before counting began.
type tailCounter struct {
	n    int64
	held int
	last [4]byte
}

func (t *tailCounter) seed(p []byte) {
	for i := max(0, len(p)-4); i < len(p); i++ {
		copy(t.last[:], t.last[1:])
		t.last[3] = p[i]
		t.held = min(t.held+1, 4)
	}
}

func (t *tailCounter) Write(p []byte) (int, error) {
	t.seed(p)
	t.n += int64(len(p))
	return len(p), nil
}

func (t *tailCounter) tail() string {
	return string(t.last[4-t.held:])
}
