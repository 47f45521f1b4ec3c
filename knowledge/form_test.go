package knowledge

import (
	"strings"
	"testing"
)

// TestFormData: the form's phrases, line markers, exemption range and
// names of the kinds of service come from form.yaml, so a maintainer
// changes them there.
func TestFormData(t *testing.T) {
	draft := "작성 요령: 침해사고 시 이용자에게 이메일로 통지한다.\n"
	base := mustLoad(t)
	m := copyFS(t)
	replace(m, "form.yaml", "certificate_exempt_range: 1.2~1.5", "certificate_exempt_range: 1.2~1.9")
	replace(m, "form.yaml", "line_markers: [", "line_markers: [작성 요령, ")
	replace(m, "form.yaml", "  convergence: 융합서비스", "  convergence: 융합형 서비스")
	changed, err := Load(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		c         *Checklist
		wantRange string
		want      Status
	}{
		{"embedded", base, "1.2~1.5", StatusPresent},
		{"changed", changed, "1.2~1.9", StatusMissing},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := tt.c.Review("1.2", draft, ReviewOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if notices := strings.Join(rep.Notices, " "); !strings.Contains(notices, tt.wantRange+" 항목이 제외") {
				t.Errorf("notices %q; want the exemption of %s", notices, tt.wantRange)
			}
			// A line marked as the form's own is hidden whole.
			if got, _ := rep.Element("1.2-a"); got.Status != tt.want {
				t.Errorf("1.2-a: got %s; want %s", got.Status, tt.want)
			}
		})
	}
	rep, err := changed.Review("3.1", "본 서비스는 융합서비스에 해당합니다.\n", ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := rep.Element("3.1-c"); got.Status != StatusNotApplicable || !strings.Contains(got.Note, "융합형 서비스") {
		t.Errorf("3.1-c: got %s (%q); want not_applicable, naming the kind as form.yaml does", got.Status, got.Note)
	}
}
