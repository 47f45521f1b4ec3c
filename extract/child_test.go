package extract_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/extract"
	"github.com/selfcheck/selfcheck/extract/extracttest"
)

// childMode, in a child's environment, picks what the test binary does as
// a child: extract (ServeChild), or misbehave as the parent must survive.
const childMode = "EXTRACT_TEST_CHILD_MODE"

// TestMain lets the test binary act as the extraction child, so that
// go test ./extract needs no built selfcheck binary.
func TestMain(m *testing.M) {
	if os.Getenv(extract.ChildEnv) != "" {
		os.Exit(runChild(os.Getenv(childMode)))
	}
	os.Exit(m.Run())
}

func runChild(mode string) int {
	var hog [][]byte
	switch mode {
	case "spin":
		return extract.ServeChildWith(os.Stdin, os.Stdout, func(context.Context, []byte, extract.Config) (extract.Document, error) {
			for i := 0; ; i++ {
				if i < 0 {
					break
				}
			}
			return extract.Document{}, nil
		})
	case "sleep":
		return extract.ServeChildWith(os.Stdin, os.Stdout, func(context.Context, []byte, extract.Config) (extract.Document, error) {
			select {}
		})
	case "env":
		return extract.ServeChildWith(os.Stdin, os.Stdout, func(context.Context, []byte, extract.Config) (extract.Document, error) {
			return extract.Document{Format: extract.FormatText, Text: strings.Join(os.Environ(), "\n")}, nil
		})
	case "hog":
		return extract.ServeChildWith(os.Stdin, os.Stdout, func(context.Context, []byte, extract.Config) (extract.Document, error) {
			for range 4096 {
				b := make([]byte, 1<<20)
				for i := range b {
					b[i] = 1
				}
				hog = append(hog, b)
			}
			return extract.Document{Text: string(hog[0][:1])}, nil
		})
	}
	return extract.ServeChild(os.Stdin, os.Stdout)
}

// sandbox runs the test binary as the child, with the bounds:
// 300 MB and 5 s of CPU per file.
func sandbox(mode string, runs *[]extract.ChildRun) extract.Sandbox {
	return extract.Sandbox{
		Path:    os.Args[0],
		Env:     []string{extract.ChildEnv + "=1", childMode + "=" + mode},
		Memory:  300 << 20,
		CPU:     5 * time.Second,
		Observe: func(r extract.ChildRun) { *runs = append(*runs, r) },
	}
}

// hostileScale is n, or a tenth of it under the race detector.
func hostileScale(n int) int {
	if raceBuild {
		return n / 10
	}
	return n
}

// goroutinesSettle waits (a bounded number of times) for the goroutines
// to come back to n, and returns how many there are.
func goroutinesSettle(n int) int {
	for range 200 {
		if runtime.NumGoroutine() <= n {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return runtime.NumGoroutine()
}

// TestHostileFiles: each file built to loop or to take memory without end
// is refused with the reason, by the child and in the process alike,
// within the child's limits (300 MB of data, 5 s of CPU: they are the
// bound); the child is gone and no goroutine is left.
func TestHostileFiles(t *testing.T) {
	for _, tt := range []struct {
		name string
		data func() []byte
		want string
	}{
		{"page tree that holds itself", extracttest.SelfKidsPDF, "the page tree loops"},
		// Inherited attributes come down the tree: /Parent is never climbed.
		{"page that is its own parent", extracttest.SelfParentPDF, "text: loop"},
		{"xref whose /Prev names itself", extracttest.PrevLoopPDF, "cross-reference chain (/Prev) loops"},
		{"a million nested arrays in a page", func() []byte {
			return extracttest.ContentPDF([]byte("BT /F1 10 Tf 40 800 Td (text) Tj ET " + strings.Repeat("[", 1<<20)))
		}, "text: text"},
		{"a million nested dictionaries in a page", func() []byte {
			return extracttest.ContentPDF([]byte("BT /F1 10 Tf 40 800 Td (text) Tj ET /P " + strings.Repeat("<<", 1<<20) + " BDC"))
		}, "text: text"},
		{"200,000 cells on one line", func() []byte {
			var b strings.Builder
			b.WriteString("BT /F1 10 Tf\n")
			for i := range 200000 {
				fmt.Fprintf(&b, "1 0 0 1 %d 800 Tm (x) Tj\n", 20*i)
			}
			b.WriteString("ET\n")
			return extracttest.ContentPDF([]byte(b.String()))
		}, "text: " + strings.Repeat("x\t", 199999) + "x"},
		{"24 million nested paragraphs", func() []byte { return extracttest.DeepDOCX(hostileScale(24 << 20)) }, "nested more than 256 levels"},
		{"a 100 MB attribute", func() []byte { return extracttest.LongAttributeDOCX(hostileScale(100 << 20)) }, "tag or attribute is too long"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data()
			before := runtime.NumGoroutine()
			var runs []extract.ChildRun
			check := func(where string, doc extract.Document, err error) {
				t.Helper()
				if text, ok := strings.CutPrefix(tt.want, "text: "); ok {
					if err != nil || strings.TrimSpace(doc.Text) != text {
						t.Fatalf("%s: got %q, %v; want the text %q", where, doc.Text, err, text)
					}
					return
				}
				if !isUserError(err) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("%s: got %v; want a user error saying %q", where, err, tt.want)
				}
			}
			doc, err := sandbox("", &runs).Bytes(context.Background(), data, extract.Config{})
			check("in the child", doc, err)
			if len(runs) != 1 || !runs[0].Exited {
				t.Fatalf("child runs %+v; want one that exited", runs)
			}
			t.Logf("%d bytes: child %s wall, %s CPU, %d MB max RSS", len(data), runs[0].Wall.Round(time.Millisecond), runs[0].CPU.Round(time.Millisecond), runs[0].MaxRSS>>20)

			doc, err = extract.Bytes(context.Background(), data, extract.Config{})
			check("in the process", doc, err)
			if n := goroutinesSettle(before); n > before {
				t.Errorf("%d goroutines left running after the extraction (%d before)", n, before)
			}
		})
	}
}

// TestChildLimits: a child that spins is stopped by its CPU limit, one
// that takes memory without end by its memory limit, one that hangs at
// the deadline; each time the user is told why and the child is gone.
func TestChildLimits(t *testing.T) {
	docx := extracttest.DOCX(extracttest.Blocks("검토 항목 1.3\n내용"))
	for _, tt := range []struct {
		mode string
		cfg  extract.Config
		cpu  time.Duration
		want string
	}{
		{"spin", extract.Config{}, time.Second, "took too long"},
		{"hog", extract.Config{}, 0, "needs too much memory"},
		{"sleep", extract.Config{Timeout: 100 * time.Millisecond}, 0, "took too long"},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			var runs []extract.ChildRun
			sb := sandbox(tt.mode, &runs)
			sb.CPU = tt.cpu
			_, err := sb.Bytes(context.Background(), docx, tt.cfg)
			if !isUserError(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v; want %q", err, tt.want)
			}
			if len(runs) != 1 || !runs[0].Exited {
				t.Fatalf("child runs %+v; want one that exited", runs)
			}
			t.Logf("child %+v", runs[0])
		})
	}
	// A caller that gives up is not told the file is at fault.
	var runs []extract.ChildRun
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := sandbox("sleep", &runs).Bytes(ctx, docx, extract.Config{})
	if !errors.Is(err, context.DeadlineExceeded) || isUserError(err) {
		t.Errorf("caller's deadline: got %v; want context.DeadlineExceeded", err)
	}
}

// TestChildSameAsInProcess: the child reads every fixture as the process
// does, errors included.
func TestChildSameAsInProcess(t *testing.T) {
	var runs []extract.ChildRun
	sb := sandbox("", &runs)
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			got, err := sb.Bytes(context.Background(), f.data, extract.Config{})
			want, werr := extract.Bytes(context.Background(), f.data, extract.Config{})
			if err != nil || werr != nil {
				t.Fatalf("child %v, process %v", err, werr)
			}
			if got != want {
				t.Errorf("child read %+.80v; the process %+.80v", got, want)
			}
		})
	}
	_, err := sb.Bytes(context.Background(), extracttest.ScannedPDF(), extract.Config{})
	if !isUserError(err) || !strings.Contains(err.Error(), "scanned image") {
		t.Errorf("scanned PDF in the child: %v", err)
	}
}

// TestChildSeesNoSecrets: the child that parses untrusted bytes gets none
// of the parent's environment but what it needs.
func TestChildSeesNoSecrets(t *testing.T) {
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-not-for-the-child")
	var runs []extract.ChildRun
	doc, err := sandbox("env", &runs).Bytes(context.Background(), extracttest.DOCX(extracttest.Blocks("내용")), extract.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(doc.Text, "xoxb") || !strings.Contains(doc.Text, extract.ChildEnv) {
		t.Errorf("the child's environment: %q; want the child marker and no token", doc.Text)
	}
}
