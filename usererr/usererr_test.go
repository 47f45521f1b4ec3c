package usererr

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// A user error is found through any wrapping, keeps its cause, and reads
// Korean first with the English after it; everything else is internal.
func TestClassification(t *testing.T) {
	cause := fs.ErrNotExist
	e := Wrap(File, "파일이 없습니다.", "no such file", cause)
	wrapped := fmt.Errorf("review draft.hwp: %w", e)
	got, ok := As(wrapped)
	if !ok || got.Code != File {
		t.Fatalf("As(%v) = %v, %v; want the File error", wrapped, got, ok)
	}
	if !errors.Is(wrapped, fs.ErrNotExist) {
		t.Error("the cause is lost")
	}
	if s := e.Error(); s != "파일이 없습니다. (no such file)" {
		t.Errorf("Error() = %q; want Korean, then English in parentheses", s)
	}
	for _, err := range []error{nil, errors.New("disk on fire"), fmt.Errorf("open: %w", fs.ErrPermission)} {
		if Is(err) {
			t.Errorf("Is(%v) = true; want internal", err)
		}
	}
	if s := New(Usage, "한국어만", "").Error(); s != "한국어만" {
		t.Errorf("Error() without English = %q", s)
	}
}
