package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

const billionLaughs = "testdata/billion-laughs.yaml"

// A few lines of nested aliases would expand to 9^9 strings: both loaders
// refuse the first anchor before the decoder expands anything.
func TestAliasesAreRefused(t *testing.T) {
	laughs, err := os.ReadFile(billionLaughs)
	if err != nil {
		t.Fatal(err)
	}
	serveLaughs := strings.Replace(string(laughs), "seeds: *i", "jobs:\n  - name: a\n    schedule: \"@hourly\"\n    seeds: *i", 1)
	tests := []struct {
		name string
		path string
		load func(string) error
		line string
	}{
		{"crawl config", billionLaughs, func(p string) error { _, err := LoadFile(p); return err }, "line 2"},
		{"serve config", writeServe(t, serveLaughs), func(p string) error { _, err := LoadServeFile(p); return err }, "line 2"},
		{"one alias of a scalar", writeFile(t, "alias.yaml", "job: &j news\noperator: *j\n"), func(p string) error { _, err := LoadFile(p); return err }, "line 1"},
		{"merge key", writeFile(t, "merge.yaml", "base: &b {workers: 2}\n<<: *b\n"), func(p string) error { _, err := LoadFile(p); return err }, "line 1"},
		{"alias in a job", writeServe(t, "jobs:\n  - name: a\n    schedule: \"@hourly\"\n    seeds: [\"http://x/\"]\n    operator: *nowhere\n"),
			func(p string) error { _, err := LoadServeFile(p); return err }, "line 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.load(tt.path)
			if !errors.Is(err, ErrAlias) {
				t.Fatalf("load = %v, want ErrAlias", err)
			}
			for _, want := range []string{tt.path, tt.line} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
		})
	}
}

// Ampersands and asterisks inside scalars are not anchors or aliases.
func TestAmpersandInURLsIsNoAlias(t *testing.T) {
	cfg, err := LoadFile(writeFile(t, "amp.yaml", "seeds: [\"http://a.example/?x=1&y=2\", http://b.example/*star]\nexclude: ['&amp;', '\\*']\noperator: R&D *lab*\n"))
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if len(cfg.Seeds) != 2 || cfg.Seeds[0] != "http://a.example/?x=1&y=2" || cfg.Operator != "R&D *lab*" {
		t.Errorf("loaded seeds %q operator %q", cfg.Seeds, cfg.Operator)
	}
}

func TestConfigFileSizeIsBounded(t *testing.T) {
	comment := "# " + strings.Repeat("x", 76) + "\n"
	atLimit := strings.Repeat(comment, MaxFileSize/len(comment))
	atLimit += "#" + strings.Repeat("y", MaxFileSize-len(atLimit)-2) + "\n"
	if len(atLimit) != MaxFileSize {
		t.Fatalf("test file is %d bytes, want %d", len(atLimit), MaxFileSize)
	}
	if _, err := LoadFile(writeFile(t, "limit.yaml", atLimit)); err != nil {
		t.Errorf("a config of exactly MaxFileSize bytes: %v", err)
	}
	for _, tt := range []struct {
		name string
		load func(string) error
	}{
		{"crawl", func(p string) error { _, err := LoadFile(p); return err }},
		{"serve", func(p string) error { _, err := LoadServeFile(p); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "big.yaml", atLimit+"\n")
			err := tt.load(path)
			if !errors.Is(err, ErrFileTooLarge) || !strings.Contains(err.Error(), path) {
				t.Fatalf("load = %v, want ErrFileTooLarge naming %s", err, path)
			}
		})
	}
}
