package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestFinish(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   func(*Config) // sets the fields Finish should have filled
	}{
		{
			name:   "derives job, output and user agent from the first seed",
			mutate: func(c *Config) { c.Seeds = []string{"https://www.example.com:8443/news/", "https://other.example/"} },
			want: func(c *Config) {
				c.Job = "www.example.com-8443"
				c.Output = filepath.Join("collections", "www.example.com-8443")
				c.UserAgent = "arkisto/" + Version + " (+" + ProjectURL + ")"
			},
		},
		{
			name: "contact goes into the user agent",
			mutate: func(c *Config) {
				c.Seeds = []string{"http://127.0.0.1:8080/"}
				c.Contact = "mailto:ops@example.org"
			},
			want: func(c *Config) {
				c.Job = "127.0.0.1-8080"
				c.Output = filepath.Join("collections", "127.0.0.1-8080")
				c.UserAgent = "arkisto/" + Version + " (+mailto:ops@example.org)"
			},
		},
		{
			name:   "the scheme's default port is left out of the job",
			mutate: func(c *Config) { c.Seeds = []string{"https://www.example.com:443/", "http://b.example:80/"} },
			want: func(c *Config) {
				c.Job = "www.example.com"
				c.Output = filepath.Join("collections", "www.example.com")
				c.UserAgent = DefaultUserAgent("")
			},
		},
		{
			name: "an output folder names the job, so each collection's job is its own",
			mutate: func(c *Config) {
				c.Seeds = []string{"http://127.0.0.1:8083/"}
				c.Output = "/srv/archive/weekly news"
			},
			want: func(c *Config) {
				c.Job = "weekly-news"
				c.UserAgent = DefaultUserAgent("")
			},
		},
		{
			name: "explicit job, output and user agent are kept",
			mutate: func(c *Config) {
				c.Seeds = []string{"https://example.com/"}
				c.Job, c.Output, c.UserAgent = "weekly", "/srv/weekly", "arkisto (+https://lib.example/crawl)"
			},
			want: func(c *Config) {},
		},
		{
			name: "explicit job still names the default output",
			mutate: func(c *Config) {
				c.Seeds = []string{"https://example.com/"}
				c.Job = "weekly"
			},
			want: func(c *Config) {
				c.Output = filepath.Join("collections", "weekly")
				c.UserAgent = DefaultUserAgent("")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Default()
			tt.mutate(&got)
			want := got
			tt.want(&want)
			if err := got.Finish(); err != nil {
				t.Fatalf("Finish: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Finish gave\n%+v\nwant\n%+v", got, want)
			}
			if !strings.HasPrefix(got.UserAgent, "arkisto") {
				t.Errorf("user agent %q does not start with the robots.txt token", got.UserAgent)
			}
		})
	}

	t.Run("invalid config is reported, not finished", func(t *testing.T) {
		c := Default()
		c.Seeds = []string{"https://example.com/"}
		c.Workers = 0
		if err := c.Finish(); fieldOf(t, err) != "workers" {
			t.Fatalf("Finish: %v, want a workers field error", err)
		}
		if c.Job != "" || c.UserAgent != "" {
			t.Errorf("Finish filled job %q and user agent %q of an invalid config", c.Job, c.UserAgent)
		}
	})
}

func TestSeedsFile(t *testing.T) {
	tests := []struct {
		name      string
		seeds     []string // given besides the file
		content   string
		want      []string
		wantField string // for a file with a bad line: the field naming file and line
	}{
		{
			name: "comments, blank lines and spaces are skipped",
			content: "# news sites\n\nhttps://a.example/\n   \n\thttps://b.example/politics/  # the desk we need\n" +
				"# https://c.example/ is retired\nhttps://d.example/page#section\r\n",
			want: []string{"https://a.example/", "https://b.example/politics/", "https://d.example/page#section"},
		},
		{
			name:    "file seeds come after the listed ones",
			seeds:   []string{"https://first.example/"},
			content: "https://second.example/\n",
			want:    []string{"https://first.example/", "https://second.example/"},
		},
		{
			name:    "no final newline",
			content: "https://a.example/",
			want:    []string{"https://a.example/"},
		},
		{
			name:      "bad line reported with file and line number",
			content:   "# list\nhttps://a.example/\n\nftp://files.example/\nhttps://b.example/\n",
			wantField: "seeds_file %s line 4",
		},
		{
			name:      "line without host",
			content:   "https://\n",
			wantField: "seeds_file %s line 1",
		},
		{
			name:      "only comments leaves no seeds",
			content:   "# nothing yet\n\n",
			wantField: "seeds",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "seeds.txt", tt.content)
			c := Default()
			c.Seeds = tt.seeds
			c.SeedsFile = path
			err := c.Finish()
			if tt.wantField != "" {
				want := tt.wantField
				if strings.Contains(want, "%s") {
					want = strings.Replace(want, "%s", path, 1)
				}
				if err == nil {
					t.Fatalf("Finish accepted the seeds file, seeds %q", c.Seeds)
				}
				if got := fieldOf(t, err); got != want {
					t.Fatalf("Finish named %q (%v), want %q", got, err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Finish: %v", err)
			}
			if !reflect.DeepEqual(c.Seeds, tt.want) {
				t.Fatalf("seeds %q, want %q", c.Seeds, tt.want)
			}
		})
	}

	t.Run("missing file", func(t *testing.T) {
		c := Default()
		c.SeedsFile = filepath.Join(t.TempDir(), "absent.txt")
		err := c.Finish()
		if got := fieldOf(t, err); got != "seeds_file" {
			t.Fatalf("Finish named %q (%v), want seeds_file", got, err)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %v does not wrap fs.ErrNotExist", err)
		}
	})
}
