package config

import (
	"errors"
	"os"
	"testing"

	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"
)

// FuzzDecode feeds crawl and serve configs to the decoder: whatever the
// text, it returns, and a text with an anchor or alias is refused before
// any expansion.
func FuzzDecode(f *testing.F) {
	for _, path := range []string{examplePath, "example-serve.yaml", billionLaughs} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("job: &j news\noperator: *j\n"))
	f.Add([]byte("base: &b {workers: 2}\n<<: *b\n"))
	f.Add([]byte("seeds: [\"http://a.example/?x=1&y=2\"]\noperator: R&D *lab*\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		aliased := false
		for _, tk := range lexer.Tokenize(string(data)) {
			aliased = aliased || tk.Type == token.AnchorType || tk.Type == token.AliasType
		}
		for _, v := range []any{new(Config), new(ServeConfig)} {
			err := decode(data, "fuzz", v)
			if aliased != errors.Is(err, ErrAlias) {
				t.Fatalf("text with anchors or aliases %v, decode = %v", aliased, err)
			}
		}
	})
}
