package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// The command serves the site and its control endpoint until cancelled;
// a change through the control endpoint shows on the site.
func TestServeAndControl(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r, w := io.Pipe()
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, []string{"--addr", "127.0.0.1:0", "--control-addr", "127.0.0.1:0", "--articles", "3"}, w)
		w.Close()
	}()
	addrs := map[string]string{} // "test site", "test site control" -> base URL
	announced := regexp.MustCompile(`^(test site(?: control)?) on (http://\S+)/$`)
	sc := bufio.NewScanner(r)
	for len(addrs) < 2 && sc.Scan() {
		if m := announced.FindStringSubmatch(sc.Text()); m != nil {
			addrs[m[1]] = m[2]
		}
	}
	go func() { _, _ = io.Copy(io.Discard, r) }()
	site, control := addrs["test site"], addrs["test site control"]
	if site == "" || control == "" {
		t.Fatalf("the command did not announce both addresses: %v", addrs)
	}

	var added struct{ Path string }
	post(t, control+"/add-article", http.StatusOK, &added)
	if !strings.HasPrefix(added.Path, "/") {
		t.Fatalf("add-article answered path %q", added.Path)
	}
	before := get(t, site+added.Path)
	post(t, control+"/change?path="+added.Path, http.StatusOK, nil)
	if after := get(t, site+added.Path); after == before {
		t.Errorf("%s did not change", added.Path)
	}
	post(t, control+"/change?path=/no/such/page", http.StatusBadRequest, nil)

	cancel()
	if code := <-exited; code != exitOK {
		t.Errorf("exit status %d after cancel, want %d", code, exitOK)
	}
}

func TestRefusesBadArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"unknown flag", []string{"--no-such-flag"}},
		{"stray argument", []string{"--addr", "127.0.0.1:0", "serve"}},
		{"control reachable from other machines", []string{"--addr", "127.0.0.1:0", "--control-addr", "0.0.0.0:0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			if code := run(t.Context(), tt.args, &stderr); code != exitUsage {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, exitUsage, stderr.String())
			}
		})
	}
}

// get returns the body of url, which must answer 200.
func get(t *testing.T, url string) string {
	t.Helper()
	return string(call(t, http.MethodGet, url, http.StatusOK))
}

// post posts to url, which must answer want, and decodes its JSON answer
// into answer unless that is nil.
func post(t *testing.T, url string, want int, answer any) {
	t.Helper()
	body := call(t, http.MethodPost, url, want)
	if answer != nil {
		if err := json.Unmarshal(body, answer); err != nil {
			t.Fatalf("POST %s: %v", url, err)
		}
	}
}

func call(t *testing.T, method, url string, want int) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d (err %v)", method, url, resp.StatusCode, want, err)
	}
	return body
}
