package capture

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// Spool holds recorded bytes: in memory up to a limit, then in a temporary
// file. It is written only by the transport; once the exchange is handed to
// OnExchange it no longer changes and can be read many times, as the WARC
// writer does (one pass for digests, one for the record).
type Spool struct {
	dir   string
	limit int64

	mu     sync.Mutex
	mem    []byte
	file   *os.File
	size   int64
	sealed bool // no more writes: late reads of a torn-down connection are dropped
	closed bool
}

func newSpool(dir string, limit int64) *Spool {
	return &Spool{dir: dir, limit: limit}
}

// write appends p, spilling to a temporary file once the memory limit is
// passed.
func (s *Spool) write(p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sealed || s.closed || len(p) == 0 {
		return nil
	}
	if s.file == nil && s.size+int64(len(p)) > s.limit {
		if err := s.spill(); err != nil {
			return err
		}
	}
	if s.file == nil {
		s.mem = append(s.mem, p...)
		s.size += int64(len(p))
		return nil
	}
	n, err := s.file.WriteAt(p, s.size)
	s.size += int64(n)
	if err != nil {
		return fmt.Errorf("write spool file %q: %w", s.file.Name(), err)
	}
	return nil
}

// spill moves the in-memory bytes to a new temporary file.
func (s *Spool) spill() error {
	f, err := os.CreateTemp(s.dir, "arkisto-capture-*.spool")
	if err != nil {
		return fmt.Errorf("create spool file: %w", err)
	}
	// Unlinked at once: the open file keeps its bytes, and a process killed
	// with -9 leaves nothing behind in the temp folder.
	if err := os.Remove(f.Name()); err != nil {
		return errors.Join(fmt.Errorf("unlink spool file %q: %w", f.Name(), err), f.Close())
	}
	if _, err := f.Write(s.mem); err != nil {
		return errors.Join(fmt.Errorf("write spool file %q: %w", f.Name(), err), f.Close())
	}
	s.file = f
	s.mem = nil
	return nil
}

// reset drops everything recorded, for a request net/http sends again on
// another connection.
func (s *Spool) reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sealed || s.closed {
		return nil
	}
	s.mem = s.mem[:0]
	s.size = 0
	if s.file == nil {
		return nil
	}
	// The file was unlinked when it was made: closing it frees it.
	name := s.file.Name()
	err := s.file.Close()
	s.file = nil
	if err != nil {
		return fmt.Errorf("close spool file %q: %w", name, err)
	}
	return nil
}

func (s *Spool) seal() {
	s.mu.Lock()
	s.sealed = true
	s.mu.Unlock()
}

// Size reports how many bytes the spool holds.
func (s *Spool) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// ReadAt reads recorded bytes at off, as io.ReaderAt.
func (s *Spool) ReadAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, os.ErrClosed
	}
	if off < 0 {
		return 0, fmt.Errorf("read spool at offset %d: negative offset", off)
	}
	if off >= s.size {
		return 0, io.EOF
	}
	if want := s.size - off; int64(len(p)) > want {
		p = p[:want]
		n, err := s.readAt(p, off)
		if err == nil {
			err = io.EOF
		}
		return n, err
	}
	return s.readAt(p, off)
}

func (s *Spool) readAt(p []byte, off int64) (int, error) {
	if s.file == nil {
		return copy(p, s.mem[off:]), nil
	}
	n, err := s.file.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("read spool file %q: %w", s.file.Name(), err)
	}
	return n, err
}

// Bytes returns a copy of everything recorded. Meant for small spools; for
// large ones read through ReadAt or Reader.
func (s *Spool) Bytes() ([]byte, error) {
	b := make([]byte, s.Size())
	n, err := s.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:n], nil
}

// Reader returns a fresh reader over the whole spool.
func (s *Spool) Reader() *io.SectionReader {
	return io.NewSectionReader(s, 0, s.Size())
}

// Close releases the bytes and removes the temporary file, if any.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.mem = nil
	if s.file == nil {
		return nil
	}
	if err := s.file.Close(); err != nil {
		return fmt.Errorf("close spool file %q: %w", s.file.Name(), err)
	}
	return nil
}
