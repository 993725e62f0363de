package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

const fileForFlags = `
seeds: [https://example.com/]
scope: host
include: ['^https://a\.example/', '^https://b\.example/']
delay: 2s
workers: 8
metrics_addr: 127.0.0.1:9999
warc_version: "1.0"
`

// fileConfig is what fileForFlags loads to.
func fileConfig() Config {
	c := Default()
	c.Seeds = []string{"https://example.com/"}
	c.Scope = "host"
	c.Include = []string{`^https://a\.example/`, `^https://b\.example/`}
	c.Delay = 2 * time.Second
	c.Workers = 8
	c.MetricsAddr = "127.0.0.1:9999"
	c.WARCVersion = "1.0"
	return c
}

// The way main uses the package: flags parsed first, the config file loaded
// after, then the flags the user set copied over it.
func TestApplyChanged(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want func(*Config) // changes from fileConfig
	}{
		{"no flags keeps the file", nil, func(c *Config) {}},
		{"int flag", []string{"--workers", "3"}, func(c *Config) { c.Workers = 3 }},
		{"duration flag", []string{"--delay=250ms"}, func(c *Config) { c.Delay = 250 * time.Millisecond }},
		{"int64 flag", []string{"--max-body-size", "4096"}, func(c *Config) { c.MaxBodySize = 4096 }},
		{"bool flag turned off", []string{"--keep-alive=false"}, func(c *Config) { c.KeepAlive = false }},
		{
			name: "repeatable include replaces the file's list",
			args: []string{"--include", `^https://c\.example/`, "--include", `\.pdf$`},
			want: func(c *Config) { c.Include = []string{`^https://c\.example/`, `\.pdf$`} },
		},
		{"one include still replaces", []string{"--include=x"}, func(c *Config) { c.Include = []string{"x"} }},
		{"exclude the file left empty", []string{"--exclude", "/login"}, func(c *Config) { c.Exclude = []string{"/login"} }},
		{"flag set to the default still wins", []string{"--scope", "domain"}, func(c *Config) { c.Scope = "domain" }},
		{"empty string wins", []string{"--metrics-addr="}, func(c *Config) { c.MetricsAddr = "" }},
		{
			name: "several flags at once",
			args: []string{"--warc-version", "1.1", "--grace-period", "1m", "--contact", "mailto:ops@example.org", "--job", "weekly"},
			want: func(c *Config) {
				c.WARCVersion, c.GracePeriod, c.Contact, c.Job = "1.1", time.Minute, "mailto:ops@example.org", "weekly"
			},
		},
		{"flags not bound to the config are skipped", []string{"--config", "elsewhere.yaml"}, func(c *Config) {}},
	}
	path := writeFile(t, "arkisto.yaml", fileForFlags)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("crawl", pflag.ContinueOnError)
			fs.String("config", "", "config file")
			flagged := Default()
			BindFlags(fs, &flagged)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatalf("parse %q: %v", tt.args, err)
			}
			got, err := LoadFile(path)
			if err != nil {
				t.Fatalf("LoadFile: %v", err)
			}
			if err := ApplyChanged(fs, &got); err != nil {
				t.Fatalf("ApplyChanged: %v", err)
			}
			want := fileConfig()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after %q got\n%+v\nwant\n%+v", tt.args, got, want)
			}
		})
	}
}

func TestApplyChangedBadValue(t *testing.T) {
	// A flag of the same name but another type, as a caller's own flag set
	// might have: its value cannot go into the int field.
	fs := pflag.NewFlagSet("crawl", pflag.ContinueOnError)
	fs.String("workers", "", "")
	if err := fs.Parse([]string{"--workers", "many"}); err != nil {
		t.Fatal(err)
	}
	c := Default()
	err := ApplyChanged(fs, &c)
	if err == nil || !strings.Contains(err.Error(), "--workers") {
		t.Fatalf("ApplyChanged: %v, want an error naming --workers", err)
	}
	if c.Workers != Default().Workers {
		t.Errorf("workers changed to %d by a bad flag", c.Workers)
	}
}

// Every setting but the seeds, which are positional arguments, has a flag
// named after its YAML key (singular for the repeatable URL lists), showing
// the bound config's value as its default.
func TestBindFlagsCoversConfig(t *testing.T) {
	c := Default()
	c.Contact = "mailto:ops@example.org"
	fs := pflag.NewFlagSet("crawl", pflag.ContinueOnError)
	BindFlags(fs, &c)
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		key := yamlKey(v.Type().Field(i))
		if key == "seeds" {
			continue
		}
		name := strings.ReplaceAll(key, "_", "-")
		if singular, ok := map[string]string{"sitemaps": "sitemap", "feeds": "feed"}[key]; ok {
			name = singular
		}
		t.Run(name, func(t *testing.T) {
			f := fs.Lookup(name)
			if f == nil {
				t.Fatalf("no --%s flag for config field %s", name, key)
			}
			if f.Usage == "" {
				t.Errorf("--%s has no help text", name)
			}
			want := stringOf(v.Field(i))
			if f.DefValue != want {
				t.Errorf("--%s default %q, want the config's %q", name, f.DefValue, want)
			}
		})
	}
}

// stringOf formats a field value the way pflag shows defaults.
func stringOf(v reflect.Value) string {
	if x, ok := v.Interface().([]string); ok {
		return "[" + strings.Join(x, ",") + "]"
	}
	return fmt.Sprint(v.Interface())
}

// yamlKey is the YAML key a Config field is read from.
func yamlKey(f reflect.StructField) string {
	key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return key
}
