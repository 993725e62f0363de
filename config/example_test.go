package config

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

const examplePath = "example.yaml"

// example.yaml is the config's documentation: it must name every field, say
// its default, and load to exactly the defaults (plus a seed, so it runs).
func TestExampleYAML(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("loads to the defaults", func(t *testing.T) {
		got, err := LoadFile(examplePath)
		if err != nil {
			t.Fatalf("LoadFile: %v", err)
		}
		if len(got.Seeds) == 0 {
			t.Error("example.yaml has no seed to show how seeds are written")
		}
		if err := got.Validate(); err != nil {
			t.Errorf("example.yaml does not validate: %v", err)
		}
		got.Seeds = nil
		want := Default()
		if !reflect.DeepEqual(emptySlicesToNil(got), emptySlicesToNil(want)) {
			t.Fatalf("example.yaml loads to\n%+v\nbut Default() is\n%+v", got, want)
		}
	})

	var keys map[string]any
	if err := yaml.Unmarshal(data, &keys); err != nil {
		t.Fatalf("parse example.yaml: %v", err)
	}
	comments := commentsAbove(string(data))
	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		key := yamlKey(typ.Field(i))
		t.Run(key, func(t *testing.T) {
			if key == "" || key == "-" {
				t.Fatalf("field %s has no yaml tag", typ.Field(i).Name)
			}
			if _, ok := keys[key]; !ok {
				t.Fatalf("example.yaml does not set %s", key)
			}
			c := comments[key]
			if c == "" {
				t.Fatalf("example.yaml has no comment above %s", key)
			}
			if !strings.Contains(c, "Default") {
				t.Errorf("the comment above %s does not say its default: %q", key, c)
			}
		})
	}
}

var topLevelKey = regexp.MustCompile(`^([a-z_]+):`)

// commentsAbove maps each top-level key to the comment block right above it.
func commentsAbove(doc string) map[string]string {
	out := make(map[string]string)
	var block []string
	for line := range strings.Lines(doc) {
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(line, "#"):
			block = append(block, strings.TrimSpace(strings.TrimPrefix(line, "#")))
		case topLevelKey.MatchString(line):
			out[topLevelKey.FindStringSubmatch(line)[1]] = strings.Join(block, " ")
			block = nil
		default:
			block = nil
		}
	}
	return out
}

// emptySlicesToNil lets "include: []" in YAML equal a nil default.
func emptySlicesToNil(c Config) Config {
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Slice && f.Len() == 0 {
			f.SetZero()
		}
	}
	return c
}
