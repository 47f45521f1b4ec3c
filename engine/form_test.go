package engine

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/extract/extracttest"
	"github.com/selfcheck/selfcheck/knowledge"
)

// TestReviewFormEqualsPastedReviews: every item of a whole form is
// reviewed exactly as when the form is pasted for that item alone; items
// without a section and sections the checklist only numbers are listed,
// not reviewed.
func TestReviewFormEqualsPastedReviews(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	form := extracttest.Form
	rep, err := e.ReviewForm(ctx, form, knowledge.ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for _, r := range rep.Items {
		items = append(items, r.Item)
		pasted, err := e.Review(ctx, r.Item, form)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r, pasted) {
			t.Errorf("%s: the form's review differs from the pasted review:\n%+v\n%+v", r.Item, r, pasted)
		}
	}
	if want := []string{"1.2", "1.3", "3.2"}; !slices.Equal(items, want) {
		t.Errorf("items %v; want %v", items, want)
	}
	if !slices.Equal(rep.NotFound, []string{"3.1"}) || !slices.Equal(rep.UnknownSections, []string{"1.4"}) {
		t.Errorf("not found %v, unknown %v; want [3.1], [1.4]", rep.NotFound, rep.UnknownSections)
	}
	// The 1.4 section says where data is kept; 1.3's does not.
	for _, r := range rep.Items {
		if r.Item != "1.3" {
			continue
		}
		if g, _ := r.Element("1.3-g"); g.Status != knowledge.StatusMissing {
			t.Errorf("1.3-g: %s from line %d; want missing (the evidence is under 1.4)", g.Status, g.Line)
		}
		if d, _ := r.Element("1.3-d"); d.Status != knowledge.StatusPartial {
			t.Errorf("1.3-d: %s; want partial (MD5)", d.Status)
		}
	}
}

func TestReviewFormJSONShape(t *testing.T) {
	e := newTestEngine(t)
	rep, err := e.ReviewForm(context.Background(), "고객센터 대표전화로 문의를 받습니다.", knowledge.ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep.File = "draft.txt"
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"file":"draft.txt","items":[],"not_found":["1.2","1.3","3.1","3.2"],"unknown_sections":[],"not_in_checklist":[]}`
	if string(b) != want {
		t.Errorf("got %s; want %s", b, want)
	}
	if _, err := e.ReviewForm(context.Background(), " \n", knowledge.ReviewOptions{}); err == nil || !strings.Contains(err.Error(), "비어") {
		t.Errorf("empty form: got %v; want the empty-draft error", err)
	}
}

// form100KB is a whole form whose every item's section holds the masked
// example submissions for it, repeated to about 25 KB each.
func form100KB(kb *knowledge.Checklist) string {
	var b strings.Builder
	b.WriteString("디지털서비스 심사신청 자가 점검 및 체크리스트\n서비스 유형\t지원서비스(컨설팅)\n")
	for _, it := range kb.Items {
		b.WriteString("\n검토 항목\t" + it.ID + " " + it.Title + "\n")
		start := b.Len()
		for b.Len()-start < 25*1024 {
			for _, ex := range kb.ExamplesFor(it.ID) {
				b.WriteString(ex.Text + "\n")
			}
		}
	}
	return b.String()
}

func BenchmarkReviewForm100KB(b *testing.B) {
	e := newTestEngine(b)
	form := form100KB(e.kb)
	ctx := context.Background()
	b.SetBytes(int64(len(form)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := e.ReviewForm(ctx, form, knowledge.ReviewOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Items) != len(e.kb.Items) {
			b.Fatalf("reviewed %d items; want %d", len(rep.Items), len(e.kb.Items))
		}
	}
}
