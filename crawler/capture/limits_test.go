package capture

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// get sends a GET to url through tr.
func get(t *testing.T, tr *Transport, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tr.RoundTrip(req)
}

// drain reads resp's body to its end and closes it, as a client does.
func drain(t *testing.T, resp *http.Response) {
	t.Helper()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatalf("read body: %v", err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
}

// recordedBody parses the recorded response as the WARC writer will and
// returns its de-chunked body.
func recordedBody(t *testing.T, ex *Exchange) string {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(ex.Response.Reader()), ex.Request)
	if err != nil {
		t.Fatalf("parse recorded response: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil && ex.Truncated == "" {
		t.Fatalf("read recorded body: %v", err)
	}
	return string(b)
}

func TestMaxBodySize(t *testing.T) {
	const limit = 1000
	tests := []struct {
		name          string
		size          int
		chunked       bool
		readFirst     int // bytes the caller reads before closing; -1 = all
		wantTruncated string
	}{
		{name: "content-length over the limit", size: 10 * limit, readFirst: -1, wantTruncated: TruncatedLength},
		{name: "chunked over the limit", size: 10 * limit, chunked: true, readFirst: -1, wantTruncated: TruncatedLength},
		{name: "content-length at the limit", size: limit, readFirst: -1},
		{name: "chunked at the limit", size: limit, chunked: true, readFirst: -1},
		{name: "under the limit", size: limit - 1, chunked: true, readFirst: -1},
		{name: "caller closes early, rest over the limit", size: 10 * limit, readFirst: 10, wantTruncated: TruncatedLength},
		{name: "caller closes early, rest within the limit", size: limit, chunked: true, readFirst: 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			payload := strings.Repeat("0123456789", tc.size/10) + strings.Repeat("x", tc.size%10)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !tc.chunked {
					w.Header().Set("Content-Length", strconv.Itoa(len(payload)))
				}
				_, _ = io.WriteString(w, payload)
			}))
			t.Cleanup(srv.Close)
			tr, got := newRecorded(t, Options{MaxBodySize: limit, Timeout: 10 * time.Second})

			resp, err := get(t, tr, srv.URL)
			if err != nil {
				t.Fatalf("round trip: %v", err)
			}
			var read []byte
			if tc.readFirst < 0 {
				read, err = io.ReadAll(resp.Body)
				if err != nil {
					t.Fatalf("caller read failed, want a clean EOF: %v", err)
				}
				if want := payload[:min(len(payload), limit)]; string(read) != want {
					t.Errorf("caller read %d bytes, want the first %d", len(read), len(want))
				}
			} else if _, err := io.ReadFull(resp.Body, make([]byte, tc.readFirst)); err != nil {
				t.Fatal(err)
			}
			if err := resp.Body.Close(); err != nil {
				t.Fatal(err)
			}

			ex := got.only(t)
			if ex.Truncated != tc.wantTruncated {
				t.Errorf("Truncated %q, want %q", ex.Truncated, tc.wantTruncated)
			}
			if tc.wantTruncated == "" {
				if ex.Err != nil {
					t.Errorf("Err %v, want nil", ex.Err)
				}
				if body := recordedBody(t, ex); body != payload {
					t.Errorf("recorded body has %d bytes, want the whole %d", len(body), len(payload))
				}
				return
			}
			if !errors.Is(ex.Err, ErrBodyTooLarge) || KindOf(ex.Err) != "too-large" {
				t.Errorf("Err %v (kind %q), want ErrBodyTooLarge", ex.Err, KindOf(ex.Err))
			}
			if body := recordedBody(t, ex); len(body) < limit || !strings.HasPrefix(payload, body) {
				t.Errorf("recorded body has %d bytes, want a prefix of the payload of at least %d", len(body), limit)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		head      string // written before the server stalls
		wantBody  bool   // whether RoundTrip returns a response
		wantTrunc string
	}{
		{
			name:      "stall mid-body",
			opts:      Options{Timeout: 200 * time.Millisecond},
			head:      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst bytes",
			wantBody:  true,
			wantTrunc: TruncatedTime,
		},
		{
			name: "stall before the headers",
			opts: Options{Timeout: 200 * time.Millisecond},
		},
		{
			name: "response header timeout",
			opts: Options{ResponseHeaderTimeout: 200 * time.Millisecond},
			head: "HTTP/1.1 200 OK\r\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := startRaw(t, nil, func(conn net.Conn, _ *http.Request) {
				_, _ = io.WriteString(conn, tc.head)
				_, _ = io.Copy(io.Discard, conn) // stall until the client gives up
			})
			tr, got := newRecorded(t, tc.opts)

			resp, err := get(t, tr, srv.url())
			if !tc.wantBody {
				if kind := KindOf(err); kind != "timeout" {
					t.Fatalf("round trip error %v has kind %q, want timeout", err, kind)
				}
			} else {
				if err != nil {
					t.Fatalf("round trip: %v", err)
				}
				read, err := io.ReadAll(resp.Body)
				if kind := KindOf(err); kind != "timeout" {
					t.Errorf("body read error %v has kind %q, want timeout", err, kind)
				}
				if string(read) != "first bytes" {
					t.Errorf("caller read %q, want the bytes sent before the stall", read)
				}
				if err := resp.Body.Close(); err != nil {
					t.Fatal(err)
				}
			}
			ex := got.only(t)
			if ex.Truncated != tc.wantTrunc || KindOf(ex.Err) != "timeout" {
				t.Errorf("Truncated %q, Err %v; want %q and a timeout", ex.Truncated, ex.Err, tc.wantTrunc)
			}
			if recorded := string(spoolBytes(t, ex.Response)); recorded != tc.head {
				t.Errorf("recorded %q, want what the server wrote: %q", recorded, tc.head)
			}
		})
	}
}

func TestDisconnectMidBody(t *testing.T) {
	const head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
	const part = "part of the body"
	bodyStarted := make(chan struct{})
	srv := startRaw(t, nil, func(conn net.Conn, _ *http.Request) {
		_, _ = io.WriteString(conn, head+part)
		<-bodyStarted
		// Linger 0 makes Close send a reset rather than a clean FIN.
		_ = conn.(*net.TCPConn).SetLinger(0)
		_ = conn.Close()
	})
	tr, got := newRecorded(t, Options{Timeout: 10 * time.Second})

	resp, err := get(t, tr, srv.url())
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, len(part))); err != nil {
		t.Fatal(err)
	}
	close(bodyStarted)
	if _, err := io.ReadAll(resp.Body); KindOf(err) != "reset" {
		t.Errorf("body read error %v has kind %q, want reset", err, KindOf(err))
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	ex := got.only(t)
	if ex.Truncated != TruncatedDisconnect || ex.Err == nil {
		t.Errorf("Truncated %q, Err %v; want disconnect with an error", ex.Truncated, ex.Err)
	}
	if recorded := string(spoolBytes(t, ex.Response)); recorded != head+part {
		t.Errorf("recorded %q, want %q", recorded, head+part)
	}
}

func TestHeaderTooLarge(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("a", 4096) + "\r\n\r\n"
	srv := startRaw(t, nil, writeRaw(head))
	tr, got := newRecorded(t, Options{MaxHeaderBytes: 1024, Timeout: 10 * time.Second})

	_, err := get(t, tr, srv.url())
	if !errors.Is(err, ErrHeaderTooLarge) || KindOf(err) != "header-too-large" {
		t.Fatalf("round trip error %v (kind %q), want ErrHeaderTooLarge", err, KindOf(err))
	}
	ex := got.only(t)
	if !errors.Is(ex.Err, ErrHeaderTooLarge) || ex.Truncated != "" {
		t.Errorf("exchange Err %v, Truncated %q; want ErrHeaderTooLarge and no response", ex.Err, ex.Truncated)
	}
}

func TestCallerCancelsMidBody(t *testing.T) {
	const head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome"
	srv := startRaw(t, nil, func(conn net.Conn, _ *http.Request) {
		_, _ = io.WriteString(conn, head)
		_, _ = io.Copy(io.Discard, conn) // stall until the client gives up
	})
	tr, got := newRecorded(t, Options{Timeout: 10 * time.Second})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.url(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, 4)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, context.Canceled) {
		t.Errorf("body read error %v, want context.Canceled", err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if ex := got.only(t); ex.Truncated != TruncatedUnspecified || !errors.Is(ex.Err, context.Canceled) {
		t.Errorf("Truncated %q, Err %v; want unspecified and context.Canceled", ex.Truncated, ex.Err)
	}
}
