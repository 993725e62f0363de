package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// procStatus reads the memory lines of /proc/self/status, in kB.
func procStatus() (map[string]int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return nil, fmt.Errorf("read memory use: %w", err)
	}
	defer f.Close()
	out := make(map[string]int64)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || !strings.HasSuffix(rest, " kB") {
			continue
		}
		if v, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(rest, " kB")), 10, 64); err == nil {
			out[name] = v
		}
	}
	return out, sc.Err()
}

// anonPeak samples the anonymous (heap and stack) part of the resident set,
// which VmHWM does not split from mapped file pages, and the file part.
type anonPeak struct {
	mu   sync.Mutex
	peak int64
	file int64
}

func (p *anonPeak) sample() {
	if s, err := procStatus(); err == nil {
		p.mu.Lock()
		p.peak = max(p.peak, s["RssAnon"])
		p.file = max(p.file, s["RssFile"])
		p.mu.Unlock()
	}
}

func (p *anonPeak) getFile() int64 {
	p.sample()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.file
}

func (p *anonPeak) run(ctx context.Context) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.sample()
		}
	}
}

func (p *anonPeak) get() int64 {
	p.sample()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak
}
