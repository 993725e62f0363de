package clitest

import (
	"errors"
	"os"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// SpoolGate holds every read of a file in a folder until the test has
// looked at the world, through fanotify permission events: a reading
// process is stopped in its read(2) while the test decides. It needs
// CAP_SYS_ADMIN, which CI has; elsewhere NewSpoolGate skips the test.
type SpoolGate struct {
	f       *os.File
	started bool          // KillAt started the event loop
	done    chan struct{} // closed when the event loop has ended
}

// NewSpoolGate starts holding the reads of files in dir. The kernel
// decides when a file is opened whether its reads raise permission events,
// so it must exist before the process whose reads it holds opens them.
// Until KillAt runs, every reader waits.
func NewSpoolGate(t testing.TB, dir string) *SpoolGate {
	t.Helper()
	fd, err := unix.FanotifyInit(unix.FAN_CLASS_CONTENT|unix.FAN_CLOEXEC|unix.FAN_NONBLOCK, unix.O_RDONLY|unix.O_LARGEFILE|unix.O_CLOEXEC)
	if errors.Is(err, unix.EPERM) {
		t.Skip("holding the crawler mid-record needs fanotify permission events, so CAP_SYS_ADMIN (CI runs as root)")
	}
	if err != nil {
		t.Fatalf("fanotify: %v", err)
	}
	if err := unix.FanotifyMark(fd, unix.FAN_MARK_ADD, unix.FAN_ACCESS_PERM|unix.FAN_EVENT_ON_CHILD, unix.AT_FDCWD, dir); err != nil {
		_ = unix.Close(fd)
		t.Fatalf("fanotify mark %s: %v", dir, err)
	}
	// Non-blocking, so the runtime poller owns it and Close ends a Read.
	g := &SpoolGate{f: os.NewFile(uintptr(fd), "fanotify"), done: make(chan struct{})}
	t.Cleanup(g.Close)
	return g
}

// KillAt answers the held reads: those of the process pid, once a .open
// WARC file in archive holds size bytes or more, with kill (which must
// SIGKILL it) before the answer. The process is then inside a read of its
// spool, so whatever record it is writing stays cut at the bytes already
// in the file. Every other read is let through. The channel closes once
// kill ran.
func (g *SpoolGate) KillAt(t testing.TB, pid int, kill func(), archive string, size int64) <-chan struct{} {
	killed := make(chan struct{})
	g.started = true
	go func() {
		defer close(g.done)
		buf := make([]byte, 4096)
		for {
			n, err := g.f.Read(buf)
			if err != nil {
				return
			}
			for off := 0; off+unix.FAN_EVENT_METADATA_LEN <= n; {
				ev := (*unix.FanotifyEventMetadata)(unsafe.Pointer(&buf[off]))
				if int(ev.Pid) == pid && largestOpen(archive) >= size && !isClosed(killed) {
					kill() // before the answer: the read never returns
					close(killed)
				}
				if err := g.allow(ev); err != nil {
					// Cleanup closed the group while an answer was on its
					// way: the kernel lets held reads go on by itself.
					if !errors.Is(err, os.ErrClosed) {
						t.Errorf("answer fanotify event: %v", err)
					}
					return
				}
				off += int(ev.Event_len)
			}
		}
	}()
	return killed
}

// allow lets a held read go on and releases the event's file.
func (g *SpoolGate) allow(ev *unix.FanotifyEventMetadata) error {
	resp := unix.FanotifyResponse{Fd: ev.Fd, Response: unix.FAN_ALLOW}
	_, err := g.f.Write(unsafe.Slice((*byte)(unsafe.Pointer(&resp)), unsafe.Sizeof(resp)))
	if ev.Fd >= 0 {
		err = errors.Join(err, unix.Close(int(ev.Fd)))
	}
	return err
}

// Close stops holding reads: the kernel lets every one still held go on.
func (g *SpoolGate) Close() {
	if g.f.Close() == nil && g.started {
		<-g.done
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// largestOpen returns the size of the largest .open WARC file in dir.
func largestOpen(dir string) int64 {
	var size int64
	for _, s := range OpenFiles(dir) {
		size = max(size, s)
	}
	return size
}
