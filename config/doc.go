// Package config holds the one Config a crawl runs with: its defaults, YAML
// loading with unknown fields, anchors and aliases and files over
// MaxFileSize rejected, command-line flags that override the file, and
// validation that names the field at fault and bounds every count setting
// (limits.go). CheckName is the one rule for job names and WARC prefixes. It owns the words of
// the settings with a fixed vocabulary (RobotsPolicy, ScopeMode, DedupMode)
// and the one list of settings that define a crawl, which a resumed crawl
// must keep (the crawl:"defines" tag, DefiningSettings, Differences), and
// ServeConfig, the jobs of arkisto serve.
package config
