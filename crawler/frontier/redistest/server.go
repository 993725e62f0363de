package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// RequireEnv, set to 1, turns a missing redis-server from a skip into a
// failure: CI installs it, so a test that skipped there would hide a gap.
const RequireEnv = "ARKISTO_REQUIRE_REDIS"

// startTimeout bounds how long redis-server may take to say it is ready.
const startTimeout = 30 * time.Second

// Options tune the server. Zero values mean no password and no TLS.
type Options struct {
	Password string // requirepass
	// TLS, when set, makes the server speak TLS only, with this
	// certificate and key (PEM files).
	TLSCert, TLSKey string
}

// Server is one redis-server process.
type Server struct {
	Addr string // host:port on 127.0.0.1
	Dir  string // its working folder, where the append-only file lives
	opts Options
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited
}

// Start runs a new redis-server for t and stops it when t ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := Binary(t)
	s := &Server{Dir: t.TempDir(), opts: opts}
	var err error
	for range 5 { // another process may take the free port first
		var port int
		if port, err = freePort(); err != nil {
			break
		}
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if err = s.start(bin); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stop redis-server: %v", err)
		}
	})
	return s
}

// Binary returns the path of redis-server, skipping t when there is none
// (failing it under ARKISTO_REQUIRE_REDIS=1).
func Binary(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err == nil {
		return bin
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("redis-server not found and %s=1: %v", RequireEnv, err)
	}
	t.Skipf("redis-server not installed (apt-get install redis-server); %s=1 makes this a failure", RequireEnv)
	return ""
}

// URL is the server's address as arkisto's --frontier takes it, with the
// password and database db.
func (s *Server) URL(db int) string {
	scheme := "redis"
	if s.opts.TLSCert != "" {
		scheme = "rediss"
	}
	auth := ""
	if s.opts.Password != "" {
		auth = ":" + s.opts.Password + "@"
	}
	return fmt.Sprintf("%s://%s%s/%d", scheme, auth, s.Addr, db)
}

func (s *Server) start(bin string) error {
	_, port, _ := net.SplitHostPort(s.Addr)
	args := []string{
		"--bind", "127.0.0.1",
		"--dir", s.Dir,
		"--appendonly", "yes", // the only persistence: a restart resumes from it
		"--save", "",
		"--daemonize", "no",
		"--logfile", "",
		"--databases", "16",
	}
	if s.opts.TLSCert != "" {
		args = append(args, "--port", "0", "--tls-port", port,
			"--tls-cert-file", s.opts.TLSCert, "--tls-key-file", s.opts.TLSKey,
			"--tls-auth-clients", "no")
	} else {
		args = append(args, "--port", port)
	}
	if s.opts.Password != "" {
		args = append(args, "--requirepass", s.opts.Password)
	}
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	// Read the log until the server says it is ready, or it exits (a port
	// taken meanwhile). The rest of the log is drained so it never blocks.
	ready := make(chan error, 1)
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		said := false
		for sc.Scan() {
			if !said {
				log.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), "Ready to accept connections") {
					said = true
					ready <- nil
				}
			}
		}
		if !said {
			ready <- errors.New("exited before it was ready")
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case err = <-ready:
	case <-timer.C:
		err = errors.New("not ready in time")
	}
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return fmt.Errorf("redis-server on %s: %w\n%s", s.Addr, err, log.String())
	}
	s.cmd, s.done = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); close(s.done) }()
	return nil
}

// Stop ends the server (SIGTERM: it flushes its append-only file) and
// waits for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() error {
	if s.cmd == nil {
		return nil
	}
	defer func() { s.cmd = nil }()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-s.done:
		return nil
	case <-time.After(startTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("did not stop on SIGINT; killed")
	}
}

// Restart stops the server and starts it again on the same address and
// folder, so it reloads its append-only file.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	if err := s.Stop(); err != nil {
		t.Fatalf("stop redis-server: %v", err)
	}
	if err := s.start(Binary(t)); err != nil {
		t.Fatalf("restart redis-server: %v", err)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
