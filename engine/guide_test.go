package engine

import (
	"context"
	"testing"
)

// A fact about the procedure links to its public page; item guidance,
// which has none in the data, does not.
func TestSourcesLinkPublicPages(t *testing.T) {
	e := newTestEngine(t)
	a, err := e.Ask(context.Background(), "심사 절차는 어떻게 진행되나요?")
	if err != nil {
		t.Fatal(err)
	}
	linked := false
	for _, s := range a.Sources {
		if s.Kind == "about" && s.URL == "https://digitalmarket.kr" {
			linked = true
		}
		if s.Kind != "about" && s.URL != "" {
			t.Errorf("source %+v has a URL the data does not give", s)
		}
	}
	if !linked {
		t.Errorf("sources %+v: want the procedure linked to digitalmarket.kr", a.Sources)
	}
	if e.GuideVersion().Title == "" {
		t.Error("the engine names no guide")
	}
}
