package metrics

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"arkisto/crawler/frontier"
)

const dashboardPath = "../../scripts/grafana/arkisto-dashboard.json"

// dashboard is the part of Grafana's dashboard JSON the tests look at.
type dashboard struct {
	Inputs     []json.RawMessage `json:"__inputs"`
	Editable   bool              `json:"editable"`
	Panels     []panel           `json:"panels"`
	Templating struct {
		List []struct {
			Name       string          `json:"name"`
			Type       string          `json:"type"`
			Query      json.RawMessage `json:"query"` // a string, or {"query": "..."}
			Definition string          `json:"definition"`
			Datasource *datasource     `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int         `json:"id"`
	Type       string      `json:"type"`
	Title      string      `json:"title"`
	Datasource *datasource `json:"datasource"`
	GridPos    struct{ H, W int }
	Targets    []struct {
		Expr       string      `json:"expr"`
		Datasource *datasource `json:"datasource"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // of a collapsed row
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	data, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("parse %s: %v", dashboardPath, err)
	}
	return d
}

// allPanels flattens rows.
func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

// exprs returns every PromQL expression in the dashboard, keyed by where
// it is, with label_values(...) of template variables reduced to its
// metric selector.
func (d dashboard) exprs(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, p := range allPanels(d.Panels) {
		for i, tg := range p.Targets {
			out[p.Title+" #"+string(rune('A'+i))] = tg.Expr
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q string
		if err := json.Unmarshal(v.Query, &q); err != nil {
			var obj struct{ Query string }
			if err := json.Unmarshal(v.Query, &obj); err != nil {
				t.Fatalf("variable %s: query is neither a string nor an object: %s", v.Name, v.Query)
			}
			q = obj.Query
		}
		for _, s := range []string{q, v.Definition} {
			if m := labelValues.FindStringSubmatch(s); m != nil {
				out["variable "+v.Name] = m[1]
			} else if s != "" {
				out["variable "+v.Name] = s
			}
		}
	}
	return out
}

var (
	labelValues = regexp.MustCompile(`^\s*label_values\(\s*(.+?)\s*,\s*[a-zA-Z_]\w*\s*\)\s*$`)

	promStrings  = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")
	promMatchers = regexp.MustCompile(`\{[^}]*\}`)
	promRanges   = regexp.MustCompile(`\[[^\]]*\]`)
	promGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promIdent    = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	promKeywords = []string{"and", "or", "unless", "offset", "bool", "by", "without", "on", "ignoring",
		"group_left", "group_right", "inf", "nan", "Inf", "NaN"}
)

// metricNames returns the metric names a PromQL expression selects: the
// identifiers left once strings, label matchers, range and subquery
// brackets, grouping clauses, function calls, keywords and numbers are
// set aside.
func metricNames(expr string) []string {
	s := promStrings.ReplaceAllString(expr, `""`)
	s = promMatchers.ReplaceAllString(s, " ")
	s = promRanges.ReplaceAllString(s, " ")
	s = promGrouping.ReplaceAllString(s, " ")
	var names []string
	for _, loc := range promIdent.FindAllStringIndex(s, -1) {
		name := s[loc[0]:loc[1]]
		if loc[0] > 0 && strings.ContainsRune("0123456789.$", rune(s[loc[0]-1])) {
			continue // an exponent (1e6) or a Grafana variable
		}
		if rest := strings.TrimLeft(s[loc[1]:], " \t\n"); strings.HasPrefix(rest, "(") {
			continue // a function or an aggregation
		}
		if slices.Contains(promKeywords, name) || slices.Contains(names, name) {
			continue
		}
		names = append(names, name)
	}
	return names
}

func TestMetricNames(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`up`, []string{"up"}},
		{`sum by (code) (rate(arkisto_fetch_responses_total{job=~"$job",code!="other"}[$__rate_interval])) > 0`, []string{"arkisto_fetch_responses_total"}},
		{`histogram_quantile(0.99, sum by (le) (rate(arkisto_fetch_duration_seconds_bucket{job=~"$job"}[5m])))`, []string{"arkisto_fetch_duration_seconds_bucket"}},
		{`sum(rate(a_sum[1m])) / sum(rate(a_count[1m])) * 1e6`, []string{"a_sum", "a_count"}},
		{`time() - max(arkisto_crawl_start_time_seconds{job=~"$job"})`, []string{"arkisto_crawl_start_time_seconds"}},
		{`x / on (instance) group_left (version) y offset 5m`, []string{"x", "y"}},
		{`max_over_time(q[1h:5m]) and bool r unless s`, []string{"q", "r", "s"}},
		{`label_replace(m, "dst", "$1", "src", "(.*)")`, []string{"m"}},
		{`{__name__="ignored"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			if got := metricNames(tt.expr); !slices.Equal(got, tt.want) {
				t.Errorf("metricNames = %q, want %q", got, tt.want)
			}
		})
	}
}

// exportedSeriesNames lists the series names a registry exposes: a
// histogram is seen as its _bucket, _sum and _count series.
func exportedSeriesNames(mfs []*dto.MetricFamily) map[string]bool {
	out := map[string]bool{}
	for _, mf := range mfs {
		n := mf.GetName()
		switch mf.GetType() {
		case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
			out[n+"_bucket"], out[n+"_sum"], out[n+"_count"] = true, true, true
		case dto.MetricType_SUMMARY:
			out[n], out[n+"_sum"], out[n+"_count"] = true, true, true
		default:
			out[n] = true
		}
	}
	return out
}

// Every metric the dashboard queries is one a crawl exports.
func TestDashboardQueriesExportedMetrics(t *testing.T) {
	reg, _, err := crawlRegistry()
	if err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	exported := exportedSeriesNames(mfs)
	// The Jobs row shows what arkisto serve adds.
	daemonReg, err := daemonRegistry()
	if err != nil {
		t.Fatal(err)
	}
	daemonMFs, err := daemonReg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(exported, exportedSeriesNames(daemonMFs))
	// The by-process row shows what a process of a shared crawl adds.
	shared := prometheus.NewPedanticRegistry()
	shared.MustRegister(SharedFrontierCollector("news", func() frontier.Stats { return frontier.Stats{Processes: 2} }, func() int64 { return 10 }))
	sharedMFs, err := shared.Gather()
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(exported, exportedSeriesNames(sharedMFs))
	d := loadDashboard(t)
	exprs := d.exprs(t)
	if len(exprs) < 20 {
		t.Fatalf("found only %d expressions in the dashboard", len(exprs))
	}
	where := make([]string, 0, len(exprs))
	for w := range exprs {
		where = append(where, w)
	}
	sort.Strings(where)
	for _, w := range where {
		expr := exprs[w]
		t.Run(w, func(t *testing.T) {
			names := metricNames(expr)
			if len(names) == 0 {
				t.Fatalf("no metric in %q", expr)
			}
			for _, n := range names {
				if !exported[n] {
					t.Errorf("%q queries %s, which neither a crawl nor arkisto serve exports", expr, n)
				}
			}
			for _, problem := range selectorProblems(w, expr) {
				t.Error(problem)
			}
		})
	}
}

// Grafana's dashboard linter rules, checked here since the linter does not
// install through the Go module proxy: every query selects the job and
// the instance through template variables (or choosing one does nothing),
// and every rate spans $__rate_interval, which Grafana keeps at four
// scrapes or more whatever the zoom.
func selectorProblems(where, expr string) []string {
	var problems []string
	selectors := promSelectors.FindAllString(promStrings.ReplaceAllStringFunc(expr, func(q string) string {
		return strings.NewReplacer("{", "(", "}", ")").Replace(q) // braces inside strings are no selectors
	}), -1)
	var want []string
	switch where {
	case "variable job":
	case "variable instance":
		want = []string{`job=~"$job"`}
	default:
		want = []string{`job=~"$job"`, `instance=~"$instance"`}
	}
	if len(want) > 0 && len(selectors) < len(metricNames(expr)) {
		problems = append(problems, fmt.Sprintf("%q: a metric without a {...} selector", expr))
	}
	for _, sel := range selectors {
		for _, w := range want {
			if !strings.Contains(sel, w) {
				problems = append(problems, fmt.Sprintf("%q: selector %s lacks %s", expr, sel, w))
			}
		}
	}
	for _, m := range rateRanges.FindAllStringSubmatch(expr, -1) {
		if m[1] != "$__rate_interval" {
			problems = append(problems, fmt.Sprintf("%q: a rate over [%s], want [$__rate_interval]", expr, m[1]))
		}
	}
	return problems
}

var (
	promSelectors = regexp.MustCompile(`\{[^}]*\}`)
	// rateRanges finds rate(...[RANGE]) and irate(...[RANGE]).
	rateRanges = regexp.MustCompile(`\bi?rate\([^\[]*\[([^\]]*)\]`)
)

func TestSelectorProblems(t *testing.T) {
	for _, tt := range []struct {
		expr string
		bad  bool
	}{
		{`sum(rate(a{job=~"$job",instance=~"$instance"}[$__rate_interval]))`, false},
		{`sum(rate(a{job=~"$job"}[$__rate_interval]))`, true},
		{`sum(rate(a{job=~"$job",instance=~"$instance"}[6h]))`, true},
		{`sum(increase(a{job=~"$job",instance=~"$instance"}[1h]))`, false},
		{`sum(a)`, true},
		{`a{job=~"$job",instance=~"$instance"} / b`, true},
	} {
		if problems := selectorProblems("panel", tt.expr); (len(problems) > 0) != tt.bad {
			t.Errorf("selectorProblems(%q) = %q, want problems: %v", tt.expr, problems, tt.bad)
		}
	}
}

// The dashboard takes its Prometheus from a datasource variable named
// datasource, so it works imported or provisioned with nothing to map; it
// has job and instance variables, and is saved read-only (provisioned
// dashboards are edited in the file, not in the UI).
func TestDashboardIsImportable(t *testing.T) {
	d := loadDashboard(t)
	if len(d.Inputs) != 0 {
		t.Errorf("__inputs = %s, want none: the datasource variable picks the data source", d.Inputs)
	}
	if d.Editable {
		t.Error("the dashboard is saved editable")
	}
	const uid = "${datasource}"
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
		if v.Type != "datasource" && (v.Datasource == nil || v.Datasource.UID != uid) {
			t.Errorf("variable %s uses datasource %+v, want %s", v.Name, v.Datasource, uid)
		}
	}
	if vars["datasource"] != "datasource" || vars["job"] != "query" || vars["instance"] != "query" {
		t.Errorf("template variables = %v, want datasource (datasource), job and instance (query)", vars)
	}
	ids := map[int]string{}
	titles := map[string]bool{}
	for _, p := range allPanels(d.Panels) {
		if other, dup := ids[p.ID]; dup || p.ID == 0 {
			t.Errorf("panel %q has id %d, also used by %q", p.Title, p.ID, other)
		}
		ids[p.ID] = p.Title
		titles[p.Title] = true
		if p.GridPos.W <= 0 || p.GridPos.H <= 0 {
			t.Errorf("panel %q has no size", p.Title)
		}
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != uid {
			t.Errorf("panel %q datasource = %+v, want uid %s", p.Title, p.Datasource, uid)
		}
		for _, tg := range p.Targets {
			if tg.Datasource == nil || tg.Datasource.UID != uid {
				t.Errorf("panel %q target datasource = %+v, want uid %s", p.Title, tg.Datasource, uid)
			}
		}
	}
	for _, want := range []string{"Pages per second", "Bytes per second", "Responses by status class",
		"Fetch errors by kind", "Frontier size", "Politeness waits", "WARC bytes per second",
		"WARC files", "Fetch latency", "Memory", "Goroutines and threads",
		"Time since last success", "Runs by outcome", "Run duration", "Runs going on"} {
		if !titles[want] {
			t.Errorf("no panel %q", want)
		}
	}
}
