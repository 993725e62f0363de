package testsite

import (
	"strconv"
	"strings"
)

// rng is splitmix64. It is written out here rather than taken from
// math/rand so the generated text can never change with the Go version:
// tests compare bytes across runs.
type rng struct{ x uint64 }

func newRNG(seed uint64) *rng { return &rng{x: seed*0x9e3779b97f4a7c15 + 0x2545f4914f6cdd1d} }

func (r *rng) next() uint64 {
	r.x += 0x9e3779b97f4a7c15
	z := r.x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *rng) pick(words []string) string { return words[r.intn(len(words))] }

// The vocabulary of the Arkisto Herald: invented towns and people, the
// municipal news a regional paper runs every day.
var (
	towns      = []string{"Harbourton", "Kivikoski", "Norrvik", "Ashbury", "Lakemere", "Saltholm", "Brennmark", "Tallow Cross", "Eastwick Bay", "Ostervale", "Pinehaven", "Redmoor"}
	bodies     = []string{"council", "port authority", "transport board", "hospital board", "water utility", "chamber of commerce", "fisheries agency", "teachers' union", "rail operator", "energy regulator"}
	subjects   = []string{"ferry timetable", "harbour bridge", "school budget", "wind farm", "tram line", "library hours", "grain harvest", "heating prices", "ice road", "fish quotas", "night trains", "museum roof", "flood barrier", "data centre", "bus fares", "forest reserve"}
	headVerbs  = []string{"approves", "delays", "questions", "backs", "rejects", "reviews", "expands", "cuts", "restores", "postpones"}
	adjectives = []string{"disputed", "long-awaited", "costly", "revised", "temporary", "ambitious", "modest", "overdue", "surprise", "cross-border"}
	givenNames = []string{"Aino", "Marek", "Helena", "Tomas", "Liisa", "Oskar", "Priya", "Jonas", "Sofia", "Erik", "Nadia", "Viktor"}
	surnames   = []string{"Lindqvist", "Halonen", "Brandt", "Okafor", "Moreau", "Sato", "Keller", "Novak", "Aalto", "Marsh", "Ferreira", "Dahl"}
	roles      = []string{"the council chair", "a local shopkeeper", "the agency's director", "a transport researcher", "the union's spokesperson", "a harbour pilot", "a retired engineer"}
	saidVerbs  = []string{"said", "told reporters", "wrote in a statement", "argued", "confirmed"}
	weekdays   = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	periods    = []string{"month", "quarter", "year", "summer", "winter"}
	comparison = []string{"more", "less", "slightly more", "far less"}
	actions    = []string{"move ahead carefully", "publish every figure", "keep the service running", "take the time this needs"}
	states     = []string{"delayed", "underfunded", "debated", "on hold"}
	careers    = []string{"worked in the harbour for two decades", "led the agency since 2021", "sat on the council for three terms", "run a bakery on the square since 2009"}
	judgements = []string{"a step in the right direction", "too little, too late", "worth the wait", "hard to defend"}
	outcomes   = []string{"mixed", "encouraging", "disappointing", "uneven"}
	metrics    = []string{"ridership", "applications", "exports", "visitor numbers", "energy use"}
	movements  = []string{"rose", "fell", "climbed", "dropped"}
	districts  = []string{"northern", "eastern", "southern", "western", "central"}
	months     = []string{"March", "May", "June", "September", "November"}
)

// sentenceMakers each write one sentence; a paragraph draws several.
var sentenceMakers = []func(r *rng) string{
	func(r *rng) string {
		return "The " + r.pick(bodies) + " said on " + r.pick(weekdays) + " that the " + r.pick(adjectives) + " " + r.pick(subjects) + " would be settled before the end of the " + r.pick(periods) + "."
	},
	func(r *rng) string {
		return "Officials in " + r.pick(towns) + " put the cost at " + strconv.Itoa(2+r.intn(90)) + " million euros, " + r.pick(comparison) + " than first planned."
	},
	func(r *rng) string {
		return "“We have listened to residents and we will " + r.pick(actions) + ",” " + person(r) + ", " + r.pick(roles) + ", " + r.pick(saidVerbs) + "."
	},
	func(r *rng) string {
		return "Critics say the " + r.pick(subjects) + " has been " + r.pick(states) + " for " + strconv.Itoa(2+r.intn(12)) + " years."
	},
	func(r *rng) string {
		return "The proposal now goes to the " + r.pick(bodies) + " for a final vote in " + r.pick(months) + "."
	},
	func(r *rng) string {
		return "About " + strconv.Itoa(40+r.intn(900)) + " people attended a public meeting in " + r.pick(towns) + " on " + r.pick(weekdays) + " evening."
	},
	func(r *rng) string {
		return person(r) + ", who has " + r.pick(careers) + ", called the plan " + r.pick(judgements) + "."
	},
	func(r *rng) string {
		return "Similar schemes in " + r.pick(towns) + " and " + r.pick(towns) + " have had " + r.pick(outcomes) + " results."
	},
	func(r *rng) string {
		return "Figures published on " + r.pick(weekdays) + " show " + r.pick(metrics) + " " + r.pick(movements) + " by " + strconv.Itoa(1+r.intn(30)) + " percent on last year."
	},
	func(r *rng) string {
		return "The decision affects about " + strconv.Itoa(300+r.intn(20000)) + " households in the " + r.pick(districts) + " districts."
	},
}

func person(r *rng) string { return r.pick(givenNames) + " " + r.pick(surnames) }

func sentence(r *rng) string { return sentenceMakers[r.intn(len(sentenceMakers))](r) }

func paragraph(r *rng) string {
	n := 2 + r.intn(3)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = sentence(r)
	}
	return strings.Join(parts, " ")
}

// headline is sentence case, as most news sites print them.
func headline(r *rng) string {
	return r.pick(towns) + " " + r.pick(bodies) + " " + r.pick(headVerbs) + " " + r.pick(adjectives) + " " + r.pick(subjects)
}

// slug keeps the first six words of a title, lower case, joined by hyphens.
func slug(title string) string {
	var b strings.Builder
	words := 0
	dash := false
	for _, c := range strings.ToLower(title) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(c)
		case c == ' ':
			words++
			if words == 6 {
				return b.String()
			}
			dash = true
		default:
			dash = true
		}
	}
	return b.String()
}
