package extract

// srcsetURLs returns the image candidate URLs of a srcset value, following
// the HTML "parse a srcset attribute" steps: a URL is a run of non-space
// bytes, so it may hold commas ("a.jpg?w=1,2 2x"); commas that end it are
// separators; descriptors ("480w", "2x") run to the next comma outside
// parentheses. Candidates are kept whatever their descriptors: a browser drops
// malformed ones, but an archive loses nothing by fetching them.
func srcsetURLs(v []byte) [][]byte {
	var urls [][]byte
	i := 0
	for {
		for i < len(v) && (isHTMLSpace(v[i]) || v[i] == ',') {
			i++
		}
		if i >= len(v) {
			return urls
		}
		start := i
		for i < len(v) && !isHTMLSpace(v[i]) {
			i++
		}
		u := v[start:i]
		if u[len(u)-1] == ',' {
			// A URL ending in commas has no descriptors.
			for len(u) > 0 && u[len(u)-1] == ',' {
				u = u[:len(u)-1]
			}
		} else {
			i = skipDescriptors(v, i)
		}
		if len(u) > 0 {
			urls = append(urls, u)
		}
	}
}

// skipDescriptors returns the index just past the descriptors that start at
// i and the comma ending them, if any.
func skipDescriptors(v []byte, i int) int {
	inParens := false
	for ; i < len(v); i++ {
		switch c := v[i]; {
		case inParens:
			inParens = c != ')'
		case c == '(':
			inParens = true
		case c == ',':
			return i + 1
		}
	}
	return i
}

// isHTMLSpace reports ASCII whitespace as HTML defines it.
func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}
