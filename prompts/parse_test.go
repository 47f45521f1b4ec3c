package prompts

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/knowledge"
)

func TestParseReview(t *testing.T) {
	tests := []struct {
		name        string
		text        string
		wantErr     bool
		wantIDs     string
		wantStatus  knowledge.Status // of the first finding
		wantSummary string
	}{
		{"plain", reviewJSON, false, "1.2-a 1.2-b", knowledge.StatusPresent, "대체로 충족"},
		{"fenced", "```json\n" + reviewJSON + "\n```", false, "1.2-a 1.2-b", knowledge.StatusPresent, "대체로 충족"},
		{"prose around", "검토 결과입니다:\n" + reviewJSON + "\n이상입니다.", false, "1.2-a 1.2-b", knowledge.StatusPresent, "대체로 충족"},
		{"numeric id, Korean status", `{"elements":[{"id":3,"status":"부분 충족","quote":"q","suggestion":""}],"summary":""}`, false, "3", knowledge.StatusPartial, ""},
		{"spaced status", `{"elements":[{"id":"a","status":" Not Applicable ","quote":"","suggestion":""}]}`, false, "a", knowledge.StatusNotApplicable, ""},
		{"unknown status kept as written", `{"elements":[{"id":"a","status":"maybe"}]}`, false, "a", "maybe", ""},
		{"no object", "모르겠습니다", true, "", "", ""},
		{"broken JSON", `{"elements":[{"id":"a",}`, true, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, summary, err := parseReview(tt.text)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v; want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			var ids []string
			for _, f := range got {
				ids = append(ids, f.ID)
			}
			if strings.Join(ids, " ") != tt.wantIDs {
				t.Errorf("ids = %q; want %q", ids, tt.wantIDs)
			}
			if got[0].Status != tt.wantStatus {
				t.Errorf("status = %q; want %q", got[0].Status, tt.wantStatus)
			}
			if summary != tt.wantSummary {
				t.Errorf("summary = %q; want %q", summary, tt.wantSummary)
			}
		})
	}
}

func TestRetryAfterParse(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
		wantOK bool
	}{
		{"none", nil, 0, false},
		{"seconds", map[string]string{"Retry-After": "2"}, 2 * time.Second, true},
		{"fractional seconds", map[string]string{"Retry-After": "0.5"}, 500 * time.Millisecond, true},
		{"milliseconds first", map[string]string{"Retry-After-Ms": "250", "Retry-After": "9"}, 250 * time.Millisecond, true},
		{"HTTP date", map[string]string{"Retry-After": now.Add(3 * time.Second).Format(http.TimeFormat)}, 3 * time.Second, true},
		{"past date", map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0, true},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			got, ok := retryAfter(h, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("retryAfter = %s, %v; want %s, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	c := &Client{backoffBase: 100 * time.Millisecond, backoffMax: time.Second, retryAfterMax: 2 * time.Second}
	tests := []struct {
		name     string
		n        int
		header   http.Header
		min, max time.Duration
	}{
		{"first retry", 1, nil, 50 * time.Millisecond, 100 * time.Millisecond},
		{"second retry doubles", 2, nil, 100 * time.Millisecond, 200 * time.Millisecond},
		{"capped", 10, nil, 500 * time.Millisecond, time.Second},
		{"huge n stays capped", 80, nil, 500 * time.Millisecond, time.Second},
		{"Retry-After wins", 1, http.Header{"Retry-After": {"1"}}, time.Second, time.Second},
		{"Retry-After capped", 1, http.Header{"Retry-After": {"60"}}, 2 * time.Second, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 50 {
				if got := c.backoff(tt.n, tt.header); got < tt.min || got > tt.max {
					t.Fatalf("backoff = %s; want within [%s, %s]", got, tt.min, tt.max)
				}
			}
		})
	}
}
