package testsite

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"testing"
)

// TestChunkedOnTheWire reads the live blog with a raw TCP client and
// counts the chunks in the framing itself.
func TestChunkedOnTheWire(t *testing.T) {
	base := New(Options{}).Start(t)
	raw := rawGet(t, base, "", PathChunked)
	head, body, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		t.Fatal("no end of headers")
	}
	if !bytes.Contains(head, []byte("\r\nTransfer-Encoding: chunked")) || bytes.Contains(head, []byte("Content-Length")) {
		t.Fatalf("headers are not chunked:\n%s", head)
	}
	chunks := 0
	br := bufio.NewReader(bytes.NewReader(body))
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("read chunk size after %d chunks: %v", chunks, err)
		}
		size, err := strconv.ParseInt(strings.TrimSpace(line), 16, 64)
		if err != nil {
			t.Fatalf("chunk size line %q: %v", line, err)
		}
		if size == 0 {
			break
		}
		chunks++
		if _, err := br.Discard(int(size) + 2); err != nil {
			t.Fatalf("skip chunk %d: %v", chunks, err)
		}
	}
	if chunks < 3 {
		t.Errorf("%d chunks on the wire, want at least 3", chunks)
	}
	page, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(body)))
	if err != nil || !bytes.HasSuffix(page, []byte("</html>\n")) {
		t.Errorf("de-chunked body is not a whole page (err %v)", err)
	}
}

// TestRawResponseMatchesWire compares what a raw client received with what
// the site says it wrote, one connection per request as arkisto fetches.
func TestRawResponseMatchesWire(t *testing.T) {
	s := New(Options{KeepRaw: true})
	base := s.Start(t)
	tests := []struct {
		name, target, header string
	}{
		{"front page", "/", ""},
		{"chunked", PathChunked, ""},
		{"gzip", PathGzip, "Accept-Encoding: gzip\r\n"},
		{"latin-1", PathLatin1, ""},
		{"redirect", PathRedirect, ""},
		{"not found", PathNotFound, ""},
		{"server error", PathServerError, ""},
		{"query", calendarPath("2026-03"), ""},
		{"image", imagePath("1", 640), ""},
		{"video", PathVideo, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wire := rawGet(t, base, tt.header, tt.target)
			got, err := s.RawResponse(context.Background(), tt.target)
			if err != nil {
				t.Fatalf("raw response: %v", err)
			}
			if !bytes.Equal(got, wire) {
				t.Errorf("recorded %d bytes, the client received %d:\nrecorded %.300q\nreceived %.300q", len(got), len(wire), got, wire)
			}
			if _, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(got)), nil); err != nil {
				t.Errorf("recorded bytes are not an HTTP response: %v", err)
			}
		})
	}
}

// TestRawResponseKeepAlive sends two requests on one connection: the
// recorder splits the stream at the request boundary.
func TestRawResponseKeepAlive(t *testing.T) {
	s := New(Options{KeepRaw: true})
	base := s.Start(t)
	wire := rawGet(t, base, "", PathChunked, "/robots.txt")
	first, err := s.RawResponse(context.Background(), PathChunked)
	if err != nil {
		t.Fatalf("first raw response: %v", err)
	}
	second, err := s.RawResponse(context.Background(), "/robots.txt")
	if err != nil {
		t.Fatalf("second raw response: %v", err)
	}
	if !bytes.HasPrefix(first, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.HasPrefix(second, []byte("HTTP/1.1 200 OK\r\n")) {
		t.Fatalf("responses start %.20q and %.20q", first, second)
	}
	if !bytes.Equal(append(bytes.Clone(first), second...), wire) {
		t.Errorf("recorded %d+%d bytes, the client received %d", len(first), len(second), len(wire))
	}
}

func TestRawResponseErrors(t *testing.T) {
	t.Run("keep raw off", func(t *testing.T) {
		s := New(Options{})
		base := s.Start(t)
		rawGet(t, base, "", "/")
		if _, err := s.RawResponse(context.Background(), "/"); !errors.Is(err, ErrNoRawResponse) {
			t.Errorf("err = %v, want ErrNoRawResponse", err)
		}
	})
	t.Run("never requested", func(t *testing.T) {
		s := New(Options{KeepRaw: true})
		s.Start(t)
		if _, err := s.RawResponse(context.Background(), "/"); !errors.Is(err, ErrNoRawResponse) {
			t.Errorf("err = %v, want ErrNoRawResponse", err)
		}
	})
	t.Run("response still held", func(t *testing.T) {
		s := New(Options{KeepRaw: true})
		entered, gate := make(chan string), make(chan struct{})
		s.obs.entered, s.obs.gate = entered, gate
		base := s.Start(t)
		done := make(chan []byte)
		go func() { done <- rawGetNoFail(base, "/") }()
		<-entered
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.RawResponse(ctx, "/"); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		close(gate)
		wire := <-done
		got, err := s.RawResponse(context.Background(), "/")
		if err != nil || !bytes.Equal(got, wire) {
			t.Errorf("after release: err %v, recorded %d bytes, received %d", err, len(got), len(wire))
		}
	})
}

// rawGetNoFail is rawGet for a goroutine, where t.Fatal must not run.
func rawGetNoFail(base, target string) []byte {
	host := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		return nil
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n"); err != nil {
		return nil
	}
	b, _ := io.ReadAll(conn)
	return b
}

func TestServe(t *testing.T) {
	s := New(Options{KeepRaw: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	wire := rawGet(t, base, "", PathRobots)
	got, err := s.RawResponse(context.Background(), PathRobots)
	if err != nil || !bytes.Equal(got, wire) {
		t.Errorf("raw response through Serve: err %v, %d bytes recorded, %d received", err, len(got), len(wire))
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("serve returned %v after cancel, want nil", err)
	}
}
