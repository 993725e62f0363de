package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"

	"arkisto/crawler/testsite"
)

// listenLoopback listens on addr, which must be a loopback address: anyone
// reaching the control endpoint could change the site.
func listenLoopback(ctx context.Context, addr string) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on control address %s: %w", addr, err)
	}
	if a, ok := ln.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
		_ = ln.Close()
		return nil, fmt.Errorf("control address %s is not loopback: anyone reaching it could change the site", addr)
	}
	return ln, nil
}

// controlHandler lets a script change the site between two crawls:
//
//	POST /change?path=P   the page at P gets new content
//	POST /add-article     one more linked article; its path is in the answer
//
// It has its own listener, so the site a crawler sees never exposes it.
func controlHandler(site *testsite.Site) http.Handler {
	answer := func(w http.ResponseWriter, v map[string]string) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /change", func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Query().Get("path")
		if err := site.ChangePage(path); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		answer(w, map[string]string{"changed": path})
	})
	mux.HandleFunc("POST /add-article", func(w http.ResponseWriter, _ *http.Request) {
		answer(w, map[string]string{"path": site.AddArticle().Path})
	})
	return mux
}
