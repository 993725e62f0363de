package config

import (
	"fmt"
	"iter"
	"reflect"
	"strings"
)

// The values of the crawl struct tag of Config's fields.
const (
	tagDefines = "defines" // the setting defines the crawl
	tagShared  = "shared"  // every process of a shared crawl must agree on it
)

// DefiningSettings returns the YAML names of the settings that define a
// crawl, the fields of Config tagged crawl:"defines", in field order.
func DefiningSettings() []string {
	var names []string
	for f := range taggedFields(tagDefines) {
		names = append(names, yamlName(f))
	}
	return names
}

// Differences lists the settings that define a crawl in which next differs
// from recorded, the crawl it is meant to resume, each as "name: next, was
// recorded" with its YAML name. An empty list equals a missing one.
func Differences(recorded, next Config) []string {
	return differences(recorded, next, tagDefines)
}

// SharedDifferences is Differences for a process joining a crawl on a
// shared frontier: the politeness rules (crawl:"shared") must agree as
// well, or one process would be less polite than the others to a host
// they all fetch from.
func SharedDifferences(recorded, next Config) []string {
	return append(Differences(recorded, next), differences(recorded, next, tagShared)...)
}

func differences(recorded, next Config, tag string) []string {
	var diffs []string
	r, n := reflect.ValueOf(recorded), reflect.ValueOf(next)
	for f := range taggedFields(tag) {
		was, now := r.FieldByIndex(f.Index).Interface(), n.FieldByIndex(f.Index).Interface()
		if !reflect.DeepEqual(normalize(was), normalize(now)) {
			diffs = append(diffs, fmt.Sprintf("%s: %v, was %v", yamlName(f), now, was))
		}
	}
	return diffs
}

// taggedFields yields the fields of Config tagged crawl:tag.
func taggedFields(tag string) iter.Seq[reflect.StructField] {
	return func(yield func(reflect.StructField) bool) {
		for f := range reflect.TypeFor[Config]().Fields() {
			if f.Tag.Get("crawl") == tag && !yield(f) {
				return
			}
		}
	}
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// normalize makes an empty list equal to a missing one.
func normalize(v any) any {
	if s, ok := v.([]string); ok && len(s) == 0 {
		return []string(nil)
	}
	return v
}
