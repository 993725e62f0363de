package warc

import (
	"fmt"
	"io"
	"os"
)

// spool holds one record's block so it can be read twice (block digest,
// then HTTP parsing) without holding a large block in memory: past memMax
// bytes it moves to a temporary file, which is reused for the next record.
type spool struct {
	dir    string
	memMax int
	mem    []byte
	file   *os.File
	onDisk bool
	size   int64
}

func newSpool(dir string, memMax int) *spool {
	return &spool{dir: dir, memMax: memMax}
}

func (s *spool) reset() error {
	s.mem = s.mem[:0]
	s.size = 0
	if s.onDisk {
		s.onDisk = false
		if err := s.file.Truncate(0); err != nil {
			return fmt.Errorf("truncate block spool: %w", err)
		}
		if _, err := s.file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("rewind block spool: %w", err)
		}
	}
	return nil
}

func (s *spool) Write(p []byte) (int, error) {
	if need := len(s.mem) + len(p); !s.onDisk && need <= s.memMax {
		if need > cap(s.mem) {
			// Double (append grows large slices by only 1.25x).
			grown := make([]byte, len(s.mem), min(max(need, 2*cap(s.mem), 64<<10), s.memMax))
			copy(grown, s.mem)
			s.mem = grown
		}
		s.mem = append(s.mem, p...)
		s.size += int64(len(p))
		return len(p), nil
	}
	if !s.onDisk {
		if err := s.moveToDisk(); err != nil {
			return 0, err
		}
	}
	n, err := s.file.Write(p)
	s.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("write block spool: %w", err)
	}
	return n, nil
}

func (s *spool) moveToDisk() error {
	if s.file == nil {
		f, err := os.CreateTemp(s.dir, "arkisto-block-*.spool")
		if err != nil {
			return fmt.Errorf("create block spool: %w", err)
		}
		s.file = f
	}
	if _, err := s.file.Write(s.mem); err != nil {
		return fmt.Errorf("write block spool: %w", err)
	}
	s.mem = s.mem[:0]
	s.onDisk = true
	return nil
}

func (s *spool) ReadAt(p []byte, off int64) (int, error) {
	if s.onDisk {
		return s.file.ReadAt(p, off)
	}
	if off >= int64(len(s.mem)) {
		return 0, io.EOF
	}
	n := copy(p, s.mem[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (s *spool) Size() int64 { return s.size }

// tail returns up to the last n bytes held.
func (s *spool) tail(n int64) []byte {
	if n > s.size {
		n = s.size
	}
	b := make([]byte, n)
	m, _ := s.ReadAt(b, s.size-n)
	return b[:m]
}

func (s *spool) close() error {
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	err := s.file.Close()
	if rerr := os.Remove(name); err == nil && rerr != nil {
		err = rerr
	}
	s.file = nil
	if err != nil {
		return fmt.Errorf("remove block spool: %w", err)
	}
	return nil
}
