package spool

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// minGrowth is the smallest memory a Buffer allocates once written to.
const minGrowth = 4 << 10

// Buffer holds bytes in memory up to a limit, then in a temporary file,
// and can be read any number of times. It is safe for concurrent use: the
// recording transport may still deliver a late read while the WARC writer
// reads a sealed buffer.
type Buffer struct {
	dir   string
	limit int64

	mu     sync.Mutex
	mem    []byte
	file   *os.File // made at the first spill, kept (truncated) across Reset
	onDisk bool     // the bytes are in file, not in mem
	size   int64
	sealed bool // writes are dropped from now on
	closed bool
}

// New returns an empty Buffer that keeps up to limit bytes in memory and
// spills to a temporary file in dir ("" means os.TempDir()) beyond that.
func New(dir string, limit int64) *Buffer {
	return &Buffer{dir: dir, limit: limit}
}

// Write appends p, moving everything to the temporary file once the memory
// limit would be passed. After Seal or Close it drops p and reports
// success: a torn-down connection may still deliver a late read, which
// belongs to no exchange.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sealed || b.closed || len(p) == 0 {
		return len(p), nil
	}
	if !b.onDisk && b.size+int64(len(p)) > b.limit {
		if err := b.spill(); err != nil {
			return 0, err
		}
	}
	if !b.onDisk {
		b.grow(len(p))
		b.mem = append(b.mem, p...)
		b.size += int64(len(p))
		return len(p), nil
	}
	n, err := b.file.WriteAt(p, b.size)
	b.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("write spool file %q: %w", b.file.Name(), err)
	}
	return n, nil
}

// grow makes room for n more bytes in memory, doubling (append grows large
// slices by only 1.25x) but never past the limit.
func (b *Buffer) grow(n int) {
	need := len(b.mem) + n
	if need <= cap(b.mem) {
		return
	}
	size := min(max(need, 2*cap(b.mem), minGrowth), max(need, int(b.limit)))
	grown := make([]byte, len(b.mem), size)
	copy(grown, b.mem)
	b.mem = grown
}

// spill moves the bytes held in memory to the temporary file, making the
// file first if this Buffer has none yet.
func (b *Buffer) spill() error {
	if b.file == nil {
		f, err := os.CreateTemp(b.dir, "arkisto-spool-*")
		if err != nil {
			return fmt.Errorf("create spool file: %w", err)
		}
		// Unlinked at once: the open file keeps its bytes, and a process
		// killed with -9 leaves nothing behind in the temp folder.
		if err := os.Remove(f.Name()); err != nil {
			return errors.Join(fmt.Errorf("unlink spool file %q: %w", f.Name(), err), f.Close())
		}
		b.file = f
	}
	if _, err := b.file.WriteAt(b.mem, 0); err != nil {
		return fmt.Errorf("write spool file %q: %w", b.file.Name(), err)
	}
	b.mem = b.mem[:0]
	b.onDisk = true
	return nil
}

// Reset empties the buffer for new contents, keeping its memory and its
// temporary file for reuse. It does nothing once the buffer is sealed or
// closed.
func (b *Buffer) Reset() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sealed || b.closed {
		return nil
	}
	b.mem = b.mem[:0]
	b.size = 0
	if !b.onDisk {
		return nil
	}
	b.onDisk = false
	if err := b.file.Truncate(0); err != nil {
		return fmt.Errorf("truncate spool file %q: %w", b.file.Name(), err)
	}
	return nil
}

// Seal makes the contents final: later writes and resets are ignored.
func (b *Buffer) Seal() {
	b.mu.Lock()
	b.sealed = true
	b.mu.Unlock()
}

// Spilled tells whether the contents are in the temporary file.
func (b *Buffer) Spilled() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.onDisk
}

// Size reports how many bytes the buffer holds.
func (b *Buffer) Size() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.size
}

// ReadAt reads held bytes at off, as io.ReaderAt.
func (b *Buffer) ReadAt(p []byte, off int64) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, os.ErrClosed
	}
	if off < 0 {
		return 0, fmt.Errorf("read spool at offset %d: negative offset", off)
	}
	if off >= b.size {
		return 0, io.EOF
	}
	if want := b.size - off; int64(len(p)) > want {
		n, err := b.readAt(p[:want], off)
		if err == nil {
			err = io.EOF
		}
		return n, err
	}
	return b.readAt(p, off)
}

func (b *Buffer) readAt(p []byte, off int64) (int, error) {
	if !b.onDisk {
		return copy(p, b.mem[off:]), nil
	}
	n, err := b.file.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("read spool file %q: %w", b.file.Name(), err)
	}
	return n, err
}

// Bytes returns a copy of everything held. Meant for small contents; read
// large ones through ReadAt or Reader.
func (b *Buffer) Bytes() ([]byte, error) {
	p := make([]byte, b.Size())
	n, err := b.ReadAt(p, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return p[:n], nil
}

// Reader returns a fresh reader over everything held now.
func (b *Buffer) Reader() *io.SectionReader {
	return io.NewSectionReader(b, 0, b.Size())
}

// Close releases the memory and the temporary file. Reads fail after it.
func (b *Buffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	b.mem = nil
	if b.file == nil {
		return nil
	}
	// The file was unlinked when it was made: closing it frees it.
	if err := b.file.Close(); err != nil {
		return fmt.Errorf("close spool file %q: %w", b.file.Name(), err)
	}
	return nil
}
