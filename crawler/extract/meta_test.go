package extract

import "testing"

func TestRefreshURL(t *testing.T) {
	tests := []struct {
		content string
		want    string // "" means no URL
	}{
		{"0; url=/next", "/next"},
		{"0;URL=/next", "/next"},
		{"5 ; Url = /next", "/next"},
		{"0; url='/quoted'", "/quoted"},
		{`0; url="/dq" trailing`, "/dq"},
		{"0; url='/unclosed", "/unclosed"},
		{"0, url=/comma", "/comma"},
		{"0 /bare", "/bare"},
		{"0; /bare", "/bare"},
		{"0; '/bare-quoted'", "/bare-quoted"},
		{"  3.5;url=/fraction", "/fraction"},
		{".5; url=/dot", "/dot"},
		{"0;url=https://other.example/x?a=1", "https://other.example/x?a=1"},
		{"0; url.html", "url.html"},
		{"0; urlx=/a", "urlx=/a"},
		{"0; url /nosign", "url /nosign"},
		{"0; u/x", "u/x"},
		{"0", ""},
		{"10;", ""},
		{"0; url=", ""},
		{"0; url=''", ""},
		{"url=/no-delay", ""},
		{"; url=/no-delay", ""},
		{"-1; url=/negative", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.content, func(t *testing.T) {
			got, ok := refreshURL([]byte(tt.content))
			if ok != (tt.want != "") || string(got) != tt.want {
				t.Errorf("refreshURL(%q) = %q, %v; want %q", tt.content, got, ok, tt.want)
			}
		})
	}
}

func TestHTMLMetaRefresh(t *testing.T) {
	tests := []struct {
		name string
		html string
		want []string
	}{
		{"lower case", `<meta http-equiv="refresh" content="0; url=/moved">`,
			[]string{"R meta/refresh https://news.example/moved"}},
		{"upper case equiv and unquoted", `<META HTTP-EQUIV=Refresh CONTENT="0;URL=http://other.example/">`,
			[]string{"R meta/refresh http://other.example/"}},
		{"entity quotes", `<meta http-equiv="refresh" content="0; url=&quot;/q&quot;">`,
			[]string{"R meta/refresh https://news.example/q"}},
		{"single quotes inside", `<meta http-equiv="refresh" content="1; URL='rel.html'">`,
			[]string{"R meta/refresh https://news.example/world/rel.html"}},
		{"plain reload", `<meta http-equiv="refresh" content="300">`, []string{}},
		{"javascript target", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
			[]string{"R meta/refresh !scheme javascript:alert(1)"}},
		{"other meta content ignored", `<meta property="og:image" content="https://news.example/og.jpg">`, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLinks(t, HTML(mustURL(t, docURL), []byte(tt.html)).Links, tt.want)
		})
	}
}

func TestHTMLRobotsMeta(t *testing.T) {
	tests := []struct {
		meta              string
		noFollow, noIndex bool
	}{
		{`<meta name="robots" content="nofollow">`, true, false},
		{`<meta name="robots" content="noindex">`, false, true},
		{`<meta name="ROBOTS" content="NOINDEX, NOFOLLOW">`, true, true},
		{`<meta name=robots content="none">`, true, true},
		{`<meta name=robots content="noindex,nofollow,noarchive">`, true, true},
		{`<meta name=" robots " content="index follow">`, false, false},
		{`<meta name="robots" content="all">`, false, false},
		{`<meta name="googlebot" content="nofollow">`, false, false},
		{`<meta name="description" content="none of this">`, false, false},
		{`<meta name="robots" content="nofollowing">`, false, false},
		{`<meta content="nofollow" name="robots">`, true, false},
		{`<meta name="robots"><meta name="robots" content="noindex"><meta name="robots" content="nofollow">`, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.meta, func(t *testing.T) {
			body := tt.meta + `<a href="/after">`
			page := HTML(mustURL(t, docURL), []byte(body))
			if page.NoFollow != tt.noFollow || page.NoIndex != tt.noIndex {
				t.Errorf("NoFollow=%v NoIndex=%v, want %v %v", page.NoFollow, page.NoIndex, tt.noFollow, tt.noIndex)
			}
			// The crawler applies the policy: links are reported either way.
			checkLinks(t, page.Links, []string{"L a/@href https://news.example/after"})
		})
	}
}
