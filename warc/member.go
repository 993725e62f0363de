package warc

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/klauspost/compress/flate"
)

// memberWriter writes one gzip member per record around a deflate
// compressor it reuses (its tables are costly to allocate). It frames the
// member itself, rather than through gzip.Writer, so that the end of a
// record can go into deflate's stored blocks: a payload that is already
// compressed (a JPEG, a video, a gzip-encoded page) shrinks by nothing and
// costs 20 to 40 times the CPU to deflate than to store. Readers see an
// ordinary gzip member.
type memberWriter struct {
	fl     *flate.Writer
	header [10]byte
	dst    io.Writer
	crc    uint32
	size   uint32 // uncompressed bytes, modulo 2^32 as gzip's ISIZE
	stored bool   // deflating ended: Write emits stored blocks
	block  [5]byte
}

// gzipHeader is the member header: deflate, no flags, no time, then the
// XFL byte (see xfl) and OS 255, unknown, as gzip.Writer writes it.
const gzipHeader = "\x1f\x8b\x08\x00\x00\x00\x00\x00"

// xfl is the header's extra-flags byte for a deflate level (RFC 1952: 2
// for the slowest, 4 for the fastest).
func xfl(level int) byte {
	switch level {
	case flate.BestCompression:
		return 2
	case flate.BestSpeed:
		return 4
	}
	return 0
}

// maxStoredBlock is the most a stored block holds (its LEN is 16 bits).
const maxStoredBlock = 1<<16 - 1

func newMemberWriter(level int) (*memberWriter, error) {
	fl, err := flate.NewWriter(io.Discard, level)
	if err != nil {
		return nil, fmt.Errorf("new deflate writer: %w", err)
	}
	m := &memberWriter{fl: fl}
	copy(m.header[:], gzipHeader)
	m.header[8], m.header[9] = xfl(level), 255
	return m, nil
}

// begin starts a member on dst.
func (m *memberWriter) begin(dst io.Writer) error {
	m.dst, m.crc, m.size, m.stored = dst, 0, 0, false
	m.fl.Reset(dst)
	_, err := dst.Write(m.header[:])
	return err
}

func (m *memberWriter) Write(p []byte) (int, error) {
	m.crc = crc32.Update(m.crc, crc32.IEEETable, p)
	m.size += uint32(len(p))
	if !m.stored {
		return m.fl.Write(p)
	}
	for rest := p; len(rest) > 0; {
		n := min(len(rest), maxStoredBlock)
		if err := m.storedBlock(rest[:n], false); err != nil {
			return len(p) - len(rest), err
		}
		rest = rest[n:]
	}
	return len(p), nil
}

// storeRest makes every later Write go into stored blocks: what deflate
// holds is flushed to a byte boundary, where a stored block may begin.
func (m *memberWriter) storeRest() error {
	if m.stored {
		return nil
	}
	m.stored = true
	return m.fl.Flush()
}

// end finishes the deflate stream and writes the trailer.
func (m *memberWriter) end() error {
	var err error
	if m.stored {
		err = m.storedBlock(nil, true)
	} else {
		err = m.fl.Close()
	}
	if err != nil {
		return err
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], m.crc)
	binary.LittleEndian.PutUint32(trailer[4:], m.size)
	_, err = m.dst.Write(trailer[:])
	return err
}

// storedBlock writes p (at most maxStoredBlock bytes) as one stored block,
// the stream's last when final (RFC 1951 3.2.4: the block header's three
// bits, padded to the byte, then LEN and its complement).
func (m *memberWriter) storedBlock(p []byte, final bool) error {
	m.block[0] = 0
	if final {
		m.block[0] = 1
	}
	binary.LittleEndian.PutUint16(m.block[1:3], uint16(len(p)))
	binary.LittleEndian.PutUint16(m.block[3:5], ^uint16(len(p)))
	if _, err := m.dst.Write(m.block[:]); err != nil {
		return err
	}
	_, err := m.dst.Write(p)
	return err
}
