package extract

import "testing"

func BenchmarkHTML(b *testing.B) {
	body := newsPage(200 << 10)
	base := mustURL(b, "https://news.example/")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var links int
	for b.Loop() {
		links = len(HTML(base, body).Links)
	}
	b.ReportMetric(float64(links), "links/page")
}
