// Package config holds the one Config a crawl runs with: its defaults, YAML
// loading with unknown fields rejected, command-line flags that override the
// file, and validation that names the field at fault.
package config
