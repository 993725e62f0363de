package warc

import (
	"bufio"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// lineSorter is an external sort for CDXJ lines: lines go to an unsorted
// spill file, and writeSorted cuts that file into sorted runs of bounded
// size, then merges the runs (and any already sorted inputs) in byte order,
// which is the order pywb's binary search expects.
type lineSorter struct {
	dir      string
	runBytes int
	spill    *os.File
	w        *bufio.Writer
	runs     []string
}

const defaultRunBytes = 16 << 20

// spillPrefix begins the names of the sorter's temporary files, so that
// those a dead process left behind can be found (SpillFiles).
const spillPrefix = "arkisto-cdxj-"

// SpillFiles lists the temporary files of index writers in dir, their
// IndexWriterOptions.TempDir. Those of a process that died are garbage.
func SpillFiles(dir string) ([]string, error) {
	return filepath.Glob(filepath.Join(dir, spillPrefix+"*"))
}

func newLineSorter(dir string, runBytes int) (*lineSorter, error) {
	if runBytes <= 0 {
		runBytes = defaultRunBytes
	}
	f, err := os.CreateTemp(dir, spillPrefix+"*.lines")
	if err != nil {
		return nil, fmt.Errorf("create cdxj spill file: %w", err)
	}
	return &lineSorter{dir: dir, runBytes: runBytes, spill: f, w: bufio.NewWriter(f)}, nil
}

func (s *lineSorter) add(line string) error {
	if strings.ContainsAny(line, "\n\r") {
		return fmt.Errorf("add cdxj line %q: line breaks inside", clip(line))
	}
	if _, err := s.w.WriteString(line + "\n"); err != nil {
		return fmt.Errorf("spill cdxj line: %w", err)
	}
	return nil
}

// writeSorted writes the added lines merged with the sorted inputs to out,
// in byte order, each distinct line once. It returns how many runs it cut.
func (s *lineSorter) writeSorted(ctx context.Context, out io.Writer, sorted ...io.Reader) (int, error) {
	if err := s.w.Flush(); err != nil {
		return 0, fmt.Errorf("flush cdxj spill file: %w", err)
	}
	if err := s.cutRuns(ctx); err != nil {
		return 0, err
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	sources := slices.Clone(sorted)
	for _, name := range s.runs {
		f, err := os.Open(name)
		if err != nil {
			return 0, fmt.Errorf("open cdxj run: %w", err)
		}
		files = append(files, f)
		sources = append(sources, f)
	}
	return len(s.runs), mergeSorted(ctx, out, sources)
}

// cutRuns reads the spill file back in pieces of at most runBytes, sorts
// each piece in memory and writes it to its own run file.
func (s *lineSorter) cutRuns(ctx context.Context) error {
	s.removeRuns() // a failed earlier attempt may have left some
	if _, err := s.spill.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind cdxj spill file: %w", err)
	}
	r := bufio.NewReader(s.spill)
	var batch []string
	size := 0
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			batch = append(batch, line)
			size += len(line)
		}
		if size >= s.runBytes || (errors.Is(err, io.EOF) && len(batch) > 0) {
			if err := ctx.Err(); err != nil {
				return err
			}
			if werr := s.writeRun(batch); werr != nil {
				return werr
			}
			batch, size = batch[:0], 0
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read cdxj spill file: %w", err)
		}
	}
}

func (s *lineSorter) writeRun(batch []string) error {
	slices.Sort(batch)
	f, err := os.CreateTemp(s.dir, spillPrefix+"*.run")
	if err != nil {
		return fmt.Errorf("create cdxj run: %w", err)
	}
	s.runs = append(s.runs, f.Name())
	w := bufio.NewWriter(f)
	for _, l := range batch {
		if _, err := w.WriteString(l); err != nil {
			f.Close()
			return fmt.Errorf("write cdxj run: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write cdxj run: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close cdxj run: %w", err)
	}
	return nil
}

// reset drops the added lines and runs, keeping the sorter usable.
func (s *lineSorter) reset() error {
	s.removeRuns()
	if err := s.spill.Truncate(0); err != nil {
		return fmt.Errorf("truncate cdxj spill file: %w", err)
	}
	if _, err := s.spill.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind cdxj spill file: %w", err)
	}
	s.w.Reset(s.spill)
	return nil
}

func (s *lineSorter) removeRuns() {
	for _, name := range s.runs {
		_ = os.Remove(name)
	}
	s.runs = nil
}

func (s *lineSorter) close() error {
	s.removeRuns()
	name := s.spill.Name()
	err := s.spill.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("remove cdxj spill file: %w", err)
	}
	return nil
}

// mergeSorted k-way merges sorted line streams into out, dropping blank
// lines and repeats (as wb-manager's merge does).
func mergeSorted(ctx context.Context, out io.Writer, sources []io.Reader) error {
	h := &cursorHeap{}
	for _, src := range sources {
		c := &cursor{r: bufio.NewReader(src)}
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			h.items = append(h.items, c)
		}
	}
	heap.Init(h)
	w := bufio.NewWriter(out)
	last := ""
	for n := 0; h.Len() > 0; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		c := h.items[0]
		if c.line != last {
			if _, err := w.WriteString(c.line); err != nil {
				return fmt.Errorf("write merged cdxj: %w", err)
			}
			last = c.line
		}
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write merged cdxj: %w", err)
	}
	return nil
}

// cursor is the current line of one sorted stream, "\n" included.
type cursor struct {
	r    *bufio.Reader
	line string
}

func (c *cursor) next() (bool, error) {
	for {
		line, err := c.r.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return false, fmt.Errorf("read sorted cdxj: %w", err)
		}
		if trimmed := strings.TrimRight(line, "\r\n"); trimmed != "" {
			c.line = trimmed + "\n"
			return true, nil
		}
		if err != nil {
			return false, nil
		}
	}
}

type cursorHeap struct{ items []*cursor }

func (h *cursorHeap) Len() int           { return len(h.items) }
func (h *cursorHeap) Less(i, j int) bool { return h.items[i].line < h.items[j].line }
func (h *cursorHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *cursorHeap) Push(x any)         { h.items = append(h.items, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return last
}
