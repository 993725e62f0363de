package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

type config struct {
	out       string
	base      string
	seed      uint64
	articles  int
	memory    bool
	videos    int
	videoSize int64
}

func main() {
	var c config
	flag.StringVar(&c.out, "out", "", "folder to write the site into (created; must be empty or absent)")
	flag.StringVar(&c.base, "base", "", "URL the site is served at, e.g. http://127.0.0.1:8080 (robots.txt and sitemap.xml need it)")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of every generated word and byte")
	flag.IntVar(&c.articles, "articles", 2000, "articles (each a page of about 20 KB of HTML with its images)")
	flag.BoolVar(&c.memory, "memory", false, "write the memory benchmark's site instead: one page linking -videos large videos")
	flag.IntVar(&c.videos, "videos", 16, "video files of the -memory site")
	flag.Int64Var(&c.videoSize, "video-size", 100<<20, "bytes of each video of the -memory site")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "benchsite:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	if c.out == "" || (c.base == "" && !c.memory) {
		return errors.New("-out is required, and -base unless -memory")
	}
	if c.articles < 1 || c.videos < 1 || c.videoSize < 1024 {
		return errors.New("-articles and -videos must be positive, -video-size at least 1024")
	}
	if entries, err := os.ReadDir(c.out); err == nil && len(entries) > 0 {
		return fmt.Errorf("output folder %q is not empty", c.out)
	}
	w := writer{root: c.out}
	if c.memory {
		return writeVideoSite(&w, c)
	}
	s := newSite(c.seed, c.articles)
	if err := s.write(&w, strings.TrimSuffix(c.base, "/")); err != nil {
		return err
	}
	fmt.Printf("benchsite: %d files, %d bytes (%d HTML pages) in %s\n", w.files, w.bytes, s.pages, c.out)
	return nil
}

// writer puts files under root and counts what it wrote.
type writer struct {
	root  string
	files int
	bytes int64
}

// file writes one file at a URL path ("/world/index.html").
func (w *writer) file(urlPath string, data []byte) error {
	name := filepath.Join(w.root, filepath.FromSlash(strings.TrimPrefix(urlPath, "/")))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fmt.Errorf("create folder for %s: %w", urlPath, err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", urlPath, err)
	}
	w.files++
	w.bytes += int64(len(data))
	return nil
}

// sparse writes a file of size bytes that starts with head and is a hole
// after it, so large files cost no disk and no time to make.
func (w *writer) sparse(urlPath string, head []byte, size int64) error {
	if err := w.file(urlPath, head); err != nil {
		return err
	}
	name := filepath.Join(w.root, filepath.FromSlash(strings.TrimPrefix(urlPath, "/")))
	if err := os.Truncate(name, size); err != nil {
		return fmt.Errorf("extend %s: %w", urlPath, err)
	}
	w.bytes += size - int64(len(head))
	return nil
}

// writeVideoSite writes the memory benchmark's site: one page that links
// every video both as <video src> and <a href>.
func writeVideoSite(w *writer, c config) error {
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Video desk</title></head><body>\n<h1>Video desk</h1>\n")
	for i := range c.videos {
		p := fmt.Sprintf("/video/clip-%02d.mp4", i)
		fmt.Fprintf(&b, "<figure><video controls src=\"%s\"></video><figcaption><a href=\"%s\">Clip %d</a></figcaption></figure>\n", p, p, i)
		head := mp4Head(c.seed, uint64(i))
		if err := w.sparse(p, head, c.videoSize); err != nil {
			return err
		}
	}
	b.WriteString("</body></html>\n")
	if err := w.file("/index.html", []byte(b.String())); err != nil {
		return err
	}
	if err := w.file("/robots.txt", []byte("User-agent: *\nAllow: /\n")); err != nil {
		return err
	}
	fmt.Printf("benchsite: %d videos of %d bytes in %s\n", c.videos, c.videoSize, c.out)
	return nil
}
