// Package progress compares a review with the same user's previous
// review of the same item, so that a review can lead with what changed
// ("지난 검토보다 2개 좋아졌어요: 1.2-f 일부 → 충족, …").
//
// What is kept of a review is a Snapshot: the item, when, and each
// element's status. Never a draft's text, a quote or a note: the
// statuses alone say what improved. The Slack bot keeps snapshots in the
// statistics store (by a hashed user ID); the command line keeps its own
// in a file under DATA_DIR (FileStore).
package progress

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/selfcheck/selfcheck/knowledge"
)

// Window is how far back a previous review counts: a month, the time a
// team takes to revise the checklist between two reviews.
const Window = 30 * 24 * time.Hour

// Snapshot is what is kept of one review: its item, its time and each
// element's status.
type Snapshot struct {
	Item     string                      `json:"item"`
	At       time.Time                   `json:"at"`
	Statuses map[string]knowledge.Status `json:"statuses"`
}

// Of is the snapshot of a review made at t.
func Of(rep knowledge.Report, t time.Time) Snapshot {
	s := Snapshot{Item: rep.Item, At: t.UTC().Truncate(time.Second), Statuses: make(map[string]knowledge.Status, len(rep.Elements))}
	for _, e := range rep.Elements {
		s.Statuses[e.ID] = e.Status
	}
	return s
}

// Change is one element whose status moved.
type Change struct {
	ID   string           `json:"id"`
	From knowledge.Status `json:"from"`
	To   knowledge.Status `json:"to"`
}

// Previous is a review compared with the previous one: when that one was
// made and what changed, in element order. Its JSON is review --json's
// "previous".
type Previous struct {
	At      time.Time `json:"at"`
	Changes []Change  `json:"changes"`
	// StillMissing are the elements missing then and now.
	StillMissing []string `json:"-"`
}

// rank orders the statuses by how far an element is from done; an
// element that does not apply is off the scale.
var rank = map[knowledge.Status]int{knowledge.StatusMissing: 0, knowledge.StatusPartial: 1, knowledge.StatusPresent: 2}

// Compare compares the review cur with the snapshot of the previous one.
// Elements the previous review did not have (the checklist grew) are not
// changes.
func Compare(prev Snapshot, cur knowledge.Report) Previous {
	p := Previous{At: prev.At, Changes: []Change{}}
	for _, e := range cur.Elements {
		was, ok := prev.Statuses[e.ID]
		if !ok {
			continue
		}
		if was != e.Status {
			p.Changes = append(p.Changes, Change{ID: e.ID, From: was, To: e.Status})
		} else if e.Status == knowledge.StatusMissing {
			p.StillMissing = append(p.StillMissing, e.ID)
		}
	}
	return p
}

// Better and Worse split the changes by direction; the rest (to or from
// "does not apply") are neither.
func (p Previous) split() (better, worse, other []Change) {
	for _, c := range p.Changes {
		from, okf := rank[c.From]
		to, okt := rank[c.To]
		switch {
		case okf && okt && to > from:
			better = append(better, c)
		case okf && okt && to < from:
			worse = append(worse, c)
		default:
			other = append(other, c)
		}
	}
	return better, worse, other
}

// Improved counts the elements that moved towards done.
func (p Previous) Improved() int { b, _, _ := p.split(); return len(b) }

// Lead is the sentence a review starts with: what got better, what got
// worse, what is still missing; or that nothing changed.
func (p Previous) Lead() string {
	better, worse, other := p.split()
	var parts []string
	if len(better) > 0 {
		parts = append(parts, fmt.Sprintf(texts.Better, len(better), changes(better)))
	}
	if len(worse) > 0 {
		f := texts.Worse
		if len(better) == 0 {
			f = texts.WorseOnly
		}
		parts = append(parts, fmt.Sprintf(f, len(worse), changes(worse)))
	}
	if len(other) > 0 {
		parts = append(parts, fmt.Sprintf(texts.Other, changes(other)))
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf(texts.Same, p.At.Local().Format(texts.Date)))
	}
	if len(p.StillMissing) > 0 {
		parts = append(parts, fmt.Sprintf(texts.StillMissing, strings.Join(p.StillMissing, ", ")))
	}
	return strings.Join(parts, texts.Joiner)
}

func changes(cs []Change) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID + " " + texts.Status[string(c.From)] + " → " + texts.Status[string(c.To)]
	}
	return strings.Join(out, ", ")
}

// Latest returns the newest of snaps for item made in the Window before
// now (and not after it).
func Latest(snaps []Snapshot, item string, now time.Time) (Snapshot, bool) {
	var best Snapshot
	found := false
	for _, s := range snaps {
		if s.Item != item || s.At.After(now) || now.Sub(s.At) > Window {
			continue
		}
		if !found || s.At.After(best.At) {
			best, found = s, true
		}
	}
	return best, found
}

type textsFile struct {
	Better       string            `yaml:"better"`
	Worse        string            `yaml:"worse"`
	WorseOnly    string            `yaml:"worse_only"`
	Other        string            `yaml:"other"`
	Same         string            `yaml:"same"`
	StillMissing string            `yaml:"still_missing"`
	Joiner       string            `yaml:"joiner"`
	Date         string            `yaml:"date"`
	Status       map[string]string `yaml:"status"`
}

//go:embed data/texts.yaml
var textsYAML []byte

var texts = func() textsFile {
	var t textsFile
	if err := yaml.Unmarshal(textsYAML, &t); err != nil {
		panic(fmt.Sprintf("progress: data/texts.yaml: %v", err))
	}
	return t
}()
