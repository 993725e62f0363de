package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// writeFile puts content in a fresh file under t's temp dir and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fieldOf returns the field a *FieldError names, failing the test for any other error.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	if !strings.Contains(err.Error(), fe.Field) {
		t.Errorf("message %q does not name field %q", err, fe.Field)
	}
	return fe.Field
}

func TestDefault(t *testing.T) {
	want := Config{
		Scope:           "domain",
		MaxDepth:        20,
		Embeds:          "any",
		Delay:           time.Second,
		HostConcurrency: 1,
		Workers:         16,
		Timeout:         time.Minute,
		MaxBodySize:     100 * 1024 * 1024,
		GracePeriod:     10 * time.Second,
		KeepAlive:       true,
		WARCMaxSize:     1024 * 1024 * 1024,
		WARCPrefix:      "arkisto",
		WARCVersion:     "1.1",
		RobotsSitemaps:  true,
		MaxDelay:        30 * time.Second,
		Retries:         3,
		RetryDelay:      30 * time.Second,
		MaxRetryAfter:   10 * time.Minute,
		MaxRedirects:    10,
		Robots:          "obey",
		MaxURLLength:    2048,
		MaxPathDepth:    32,
		MaxQueryParams:  64,
		Dedup:           "digest",
		DedupMinSize:    256,
		MetricsAddr:     "127.0.0.1:9791",
	}
	got := Default()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Default() =\n%+v\nwant\n%+v", got, want)
	}
	got.Seeds = []string{"https://example.com/"}
	if err := got.Validate(); err != nil {
		t.Fatalf("defaults plus one seed do not validate: %v", err)
	}
}

func TestLoadFile(t *testing.T) {
	every := `
seeds: [https://a.example/, "http://b.example:8080/x"]
seeds_file: seeds.txt
job: news
output: /srv/collections/news
scope: prefix
include: ['^https://cdn\.a\.example/']
exclude: ['\?replytocom=', '/calendar/']
max_depth: 3
max_pages: 500
delay: 1s
host_concurrency: 2
workers: 4
user_agent: "arkisto-test/1.0 (+mailto:ops@example.org)"
contact: mailto:ops@example.org
operator: Example Library
timeout: 30s
max_body_size: 1048576
grace_period: 2m30s
keep_alive: false
warc_max_size: 5000000
warc_prefix: news
warc_version: "1.0"
delay_factor: 5
max_delay: 1m
retries: 2
retry_delay: 5s
max_retry_after: 5m
max_redirects: 4
max_pages_per_host: 100
robots: obey-pages
max_url_length: 1000
max_path_depth: 10
max_query_params: 8
allow_private_networks: true
dedup: "off"
dedup_min_size: 10
dedup_db: /srv/dedup.db
sitemaps: [https://a.example/sitemap.xml]
feeds: [https://a.example/rss.xml]
robots_sitemaps: false
guess_sitemap: true
since: 7d
embeds: scope
metrics_addr: ":9100"
metrics_public: true
pushgateway: http://127.0.0.1:9091
`
	everyWant := Config{
		Seeds:                []string{"https://a.example/", "http://b.example:8080/x"},
		SeedsFile:            "seeds.txt",
		Job:                  "news",
		Output:               "/srv/collections/news",
		Scope:                "prefix",
		Include:              []string{`^https://cdn\.a\.example/`},
		Exclude:              []string{`\?replytocom=`, `/calendar/`},
		MaxDepth:             3,
		Embeds:               "scope",
		MaxPages:             500,
		Delay:                time.Second,
		HostConcurrency:      2,
		Workers:              4,
		UserAgent:            "arkisto-test/1.0 (+mailto:ops@example.org)",
		Contact:              "mailto:ops@example.org",
		Operator:             "Example Library",
		Timeout:              30 * time.Second,
		MaxBodySize:          1 << 20,
		GracePeriod:          150 * time.Second,
		WARCMaxSize:          5000000,
		WARCPrefix:           "news",
		WARCVersion:          "1.0",
		DelayFactor:          5,
		MaxDelay:             time.Minute,
		Retries:              2,
		RetryDelay:           5 * time.Second,
		MaxRetryAfter:        5 * time.Minute,
		MaxRedirects:         4,
		MaxPagesPerHost:      100,
		Robots:               "obey-pages",
		MaxURLLength:         1000,
		MaxPathDepth:         10,
		MaxQueryParams:       8,
		AllowPrivateNetworks: true,
		Dedup:                "off",
		DedupMinSize:         10,
		DedupDB:              "/srv/dedup.db",
		Sitemaps:             []string{"https://a.example/sitemap.xml"},
		Feeds:                []string{"https://a.example/rss.xml"},
		GuessSitemap:         true,
		Since:                "7d",
		MetricsAddr:          ":9100",
		MetricsPublic:        true,
		Pushgateway:          "http://127.0.0.1:9091",
	}
	partialWant := Default()
	partialWant.Delay = 250 * time.Millisecond
	partialWant.Workers = 2

	tests := []struct {
		name    string
		content string
		want    Config
	}{
		{"every field", every, everyWant},
		{"keys left out keep their defaults", "delay: 250ms\nworkers: 2\n", partialWant},
		{"empty file is all defaults", "", Default()},
		{"comments only is all defaults", "# nothing set\n", Default()},
		{"document marker only is all defaults", "---\n# nothing set\n", Default()},
		{"null value keeps the default", "delay: ~\n", Default()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadFile(writeFile(t, "arkisto.yaml", tt.content))
			if err != nil {
				t.Fatalf("LoadFile: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("LoadFile =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string // substrings of the message, besides the file path
	}{
		{"unknown key", "scope: host\nworkres: 3\n", []string{`unknown field "workres"`, "[2:1]"}},
		{"unknown key in a typo of a known one", "max-depth: 3\n", []string{`unknown field "max-depth"`}},
		{"duration as a bare number", "delay: 1\n", []string{"Delay", "time.Duration"}},
		{"duration that does not parse", "timeout: soon\n", []string{"soon"}},
		{"size as a string", "max_body_size: 10MiB\n", []string{"MaxBodySize"}},
		{"list where a string goes", "scope: [host]\n", []string{"[1:"}},
		{"not a mapping", "- https://example.com/\n", []string{"[1:1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "bad.yaml", tt.content)
			_, err := LoadFile(path)
			if err == nil {
				t.Fatal("LoadFile accepted the file")
			}
			for _, w := range append(tt.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}

	t.Run("unquoted warc_version 1.0 fails validation with a hint", func(t *testing.T) {
		c, err := LoadFile(writeFile(t, "v.yaml", "seeds: [https://example.com/]\nwarc_version: 1.0\n"))
		if err != nil {
			t.Fatalf("LoadFile: %v", err)
		}
		err = c.Validate()
		if fieldOf(t, err) != "warc_version" || !strings.Contains(err.Error(), "quoted") {
			t.Fatalf("Validate: %v, want a warc_version error that says to quote it", err)
		}
	})

	t.Run("missing file", func(t *testing.T) {
		_, err := LoadFile(filepath.Join(t.TempDir(), "absent.yaml"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("error %v is not fs.ErrNotExist", err)
		}
	})
}

// A URL that lost the colon after its scheme is told that it has no
// scheme, not that its scheme is wrong.
func TestSeedWithoutSchemeIsToldSo(t *testing.T) {
	for _, seed := range []string{"http//127.0.0.1:8083/", "example.com/news", "//example.com/"} {
		c := Default()
		c.Seeds = []string{seed}
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "has no scheme") || strings.Contains(err.Error(), "must be http") {
			t.Errorf("seed %q: Validate = %v, want it to say the URL has no scheme", seed, err)
		}
	}
	c := Default()
	c.Seeds = []string{"ftp://example.com/"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "scheme must be http or https") {
		t.Errorf("ftp seed: Validate = %v, want the scheme named wrong", err)
	}
}

// One rule for every metrics listener: other machines may reach it only
// with a token or when the user said so, and the start says what is exposed.
func TestListenerExposure(t *testing.T) {
	tests := []struct {
		l       Listener
		ok      bool
		exposed string // what Exposure(api) must say
		api     bool
	}{
		{Listener{Addr: "127.0.0.1:9791"}, true, "loopback only", false},
		{Listener{Addr: "localhost:9791"}, true, "loopback only", true},
		{Listener{Addr: "0.0.0.0:9791"}, false, "", false},
		{Listener{Addr: "0.0.0.0:9791", Public: true}, true, "/metrics and /healthz need no token", false},
		{Listener{Addr: "0.0.0.0:9791", Token: true}, true, "/api needs the bearer token", true},
		{Listener{Addr: "0.0.0.0:9791", Public: true}, true, "/api answers this machine only", true},
		{Listener{Addr: ""}, true, "", false},
	}
	for _, tt := range tests {
		err := tt.l.Check("metrics_addr")
		if (err == nil) != tt.ok {
			t.Errorf("%+v: Check = %v, want ok=%v", tt.l, err, tt.ok)
		}
		if err != nil && (!strings.Contains(err.Error(), "--metrics-public") || !strings.Contains(err.Error(), tt.l.Addr)) {
			t.Errorf("%+v: %q does not name the address and --metrics-public", tt.l, err)
		}
		if tt.exposed != "" && !strings.Contains(tt.l.Exposure(tt.api), tt.exposed) {
			t.Errorf("%+v: Exposure(%v) = %q, want it to say %q", tt.l, tt.api, tt.l.Exposure(tt.api), tt.exposed)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(*Config)
		wantField string // "" means valid
	}{
		{"defaults with a seed", func(c *Config) {}, ""},
		{"every scope: host", func(c *Config) { c.Scope = "host" }, ""},
		{"every scope: prefix", func(c *Config) { c.Scope = "prefix" }, ""},
		{"warc 1.0", func(c *Config) { c.WARCVersion = "1.0" }, ""},
		{"metrics off", func(c *Config) { c.MetricsAddr = "" }, ""},
		{"zero delay and depth", func(c *Config) { c.Delay, c.MaxDepth, c.GracePeriod = 0, 0, 0 }, ""},
		{"ip seed with port", func(c *Config) { c.Seeds = []string{"http://127.0.0.1:8080/"} }, ""},
		{"embeds in scope", func(c *Config) { c.Embeds = EmbedsScope }, ""},
		{"metrics on every interface, acknowledged", func(c *Config) { c.MetricsAddr, c.MetricsPublic = "0.0.0.0:9791", true }, ""},
		{"metrics on ipv6 loopback", func(c *Config) { c.MetricsAddr = "[::1]:9791" }, ""},

		{"no seeds", func(c *Config) { c.Seeds = nil }, "seeds"},
		{"seed scheme ftp", func(c *Config) { c.Seeds = append(c.Seeds, "ftp://x") }, "seeds[1]"},
		{"seed without scheme", func(c *Config) { c.Seeds = []string{"example.com"} }, "seeds[0]"},
		{"seed without host", func(c *Config) { c.Seeds = []string{"http:///path"} }, "seeds[0]"},
		{"seed that does not parse", func(c *Config) { c.Seeds = []string{"http://exa mple.com/"} }, "seeds[0]"},
		{"bad scope", func(c *Config) { c.Scope = "site" }, "scope"},
		{"empty scope", func(c *Config) { c.Scope = "" }, "scope"},
		{"bad regexp in include[1]", func(c *Config) { c.Include = []string{"ok", "(unclosed"} }, "include[1]"},
		{"bad regexp in exclude[0]", func(c *Config) { c.Exclude = []string{"a**"} }, "exclude[0]"},
		{"negative max_depth", func(c *Config) { c.MaxDepth = -1 }, "max_depth"},
		{"negative max_pages", func(c *Config) { c.MaxPages = -1 }, "max_pages"},
		{"negative delay", func(c *Config) { c.Delay = -time.Second }, "delay"},
		{"wacz of a dry run", func(c *Config) { c.WACZ, c.DryRun = true, true }, "wacz"},
		{"host_concurrency 0", func(c *Config) { c.HostConcurrency = 0 }, "host_concurrency"},
		{"workers 0", func(c *Config) { c.Workers = 0 }, "workers"},
		{"timeout 0", func(c *Config) { c.Timeout = 0 }, "timeout"},
		{"max_body_size 0", func(c *Config) { c.MaxBodySize = 0 }, "max_body_size"},
		{"negative grace_period", func(c *Config) { c.GracePeriod = -1 }, "grace_period"},
		{"warc_max_size 0", func(c *Config) { c.WARCMaxSize = 0 }, "warc_max_size"},
		{"warc_prefix with slash", func(c *Config) { c.WARCPrefix = "a/b" }, "warc_prefix"},
		{"warc_prefix with backslash", func(c *Config) { c.WARCPrefix = `a\b` }, "warc_prefix"},
		{"empty warc_prefix", func(c *Config) { c.WARCPrefix = "" }, "warc_prefix"},
		{`warc_version "2"`, func(c *Config) { c.WARCVersion = "2" }, "warc_version"},
		{`warc_version "1"`, func(c *Config) { c.WARCVersion = "1" }, "warc_version"},
		{"two-line user_agent", func(c *Config) { c.UserAgent = "arkisto\r\nX-Evil: 1" }, "user_agent"},
		{"two-line contact", func(c *Config) { c.Contact = "ops@example.org\nX-Evil: 1" }, "contact"},
		{"two-line operator", func(c *Config) { c.Operator = "Example\nWARC-Type: response" }, "operator"},
		{"two-line job", func(c *Config) { c.Job = "news\r\n" }, "job"},
		{"metrics_addr without port", func(c *Config) { c.MetricsAddr = "localhost" }, "metrics_addr"},
		{"metrics on every interface", func(c *Config) { c.MetricsAddr = "0.0.0.0:9791" }, "metrics_addr"},
		{"metrics on an empty host", func(c *Config) { c.MetricsAddr = ":9791" }, "metrics_addr"},
		{"metrics on a LAN address", func(c *Config) { c.MetricsAddr = "192.168.1.5:9791" }, "metrics_addr"},
		{"bad embeds", func(c *Config) { c.Embeds = "some" }, "embeds"},
		{"pushgateway scheme", func(c *Config) { c.Pushgateway = "ftp://x" }, "pushgateway"},
		{"first fault wins", func(c *Config) { c.Scope, c.Workers = "site", 0 }, "scope"},
		{"warc_prefix .", func(c *Config) { c.WARCPrefix = "." }, "warc_prefix"},
		{"warc_prefix ..", func(c *Config) { c.WARCPrefix = ".." }, "warc_prefix"},
		{"warc_prefix with a newline", func(c *Config) { c.WARCPrefix = "a\nb" }, "warc_prefix"},
		{"warc_prefix with a tab", func(c *Config) { c.WARCPrefix = "a\tb" }, "warc_prefix"},
		{"warc_prefix of 300 characters", func(c *Config) { c.WARCPrefix = strings.Repeat("p", 300) }, "warc_prefix"},
		{"warc_prefix at the length limit", func(c *Config) { c.WARCPrefix = strings.Repeat("p", MaxNameLength) }, ""},
		{"warc_prefix with dots inside", func(c *Config) { c.WARCPrefix = "news.example-2026" }, ""},
		{"metrics port 0", func(c *Config) { c.MetricsAddr = "127.0.0.1:0" }, "metrics_addr"},
		{"metrics port 99999", func(c *Config) { c.MetricsAddr = "127.0.0.1:99999" }, "metrics_addr"},
		{"metrics port by service name", func(c *Config) { c.MetricsAddr = "127.0.0.1:http" }, "metrics_addr"},
		{"metrics port empty", func(c *Config) { c.MetricsAddr = "127.0.0.1:" }, "metrics_addr"},
		{"metrics port 65535", func(c *Config) { c.MetricsAddr = "127.0.0.1:65535" }, ""},
		{"metrics port 1 on all interfaces, acknowledged", func(c *Config) { c.MetricsAddr = ":1"; c.MetricsPublic = true }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.Seeds = []string{"https://example.com/"}
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted a config with a bad %s", tt.wantField)
			}
			if got := fieldOf(t, err); got != tt.wantField {
				t.Fatalf("Validate named field %q (%v), want %q", got, err, tt.wantField)
			}
		})
	}
}
