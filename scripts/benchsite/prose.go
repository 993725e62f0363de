package main

import (
	"math/rand/v2"
	"strings"
)

var nouns = strings.Fields(`council harbour budget election minister market river festival
	school hospital railway bridge museum court union museum orchestra league season storm
	harvest factory airport mayor committee report inquiry treaty summit border coalition
	parliament strike reform satellite telescope vaccine forest coast island village city
	district library theatre stadium championship final striker coach referee novelist
	painter exhibition archive startup investor bank currency inflation pension tariff
	energy turbine pipeline reservoir drought flood wildfire glacier volcano earthquake`)

var verbs = strings.Fields(`approves rejects delays unveils announces questions defends
	expands cuts doubles opens closes wins loses signs blocks backs warns reviews restores
	rebuilds launches postpones confirms denies funds challenges welcomes`)

var adjectives = strings.Fields(`new old northern southern coastal rural urban national
	local regional historic record surprise disputed long-awaited controversial modest
	ambitious late early quiet busy crowded fragile resilient costly`)

var fillers = strings.Fields(`the the the a a of of in in on for with to and and that
	after before while during since under over as by from at its their this which who`)

// headlineWords picks n lower-case words for a headline or a slug.
func headlineWords(rng *rand.Rand, n int) []string {
	words := make([]string, n)
	for i := range words {
		switch i % 3 {
		case 0:
			words[i] = adjectives[rng.IntN(len(adjectives))]
		case 1:
			words[i] = nouns[rng.IntN(len(nouns))]
		default:
			words[i] = verbs[rng.IntN(len(verbs))]
		}
	}
	return words
}

// sentence makes a sentence of about n words, capitalized and ended with a period.
func sentence(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch rng.IntN(5) {
		case 0, 1:
			b.WriteString(fillers[rng.IntN(len(fillers))])
		case 2:
			b.WriteString(adjectives[rng.IntN(len(adjectives))])
		case 3:
			b.WriteString(nouns[rng.IntN(len(nouns))])
		default:
			b.WriteString(verbs[rng.IntN(len(verbs))])
		}
	}
	b.WriteByte('.')
	return capitalize(b.String())
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
