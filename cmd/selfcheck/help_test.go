package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command answers help, -h and --help with its own usage on stdout
// and exit status 0, whatever the configuration says.
func TestHelpForEveryCommand(t *testing.T) {
	bad := map[string]string{"EMBEDDINGS": "quantum"} // help must not need a valid setting
	for _, h := range commandHelps {
		for _, args := range [][]string{{"help", h.name}, {h.name, "--help"}, {h.name, "-h"}} {
			out, stderr, code := cli(t, bad, "", args...)
			if code != 0 || stderr != "" {
				t.Errorf("%v: exit %d, stderr %q; want 0 and nothing on stderr", args, code, stderr)
			}
			if !strings.Contains(out, "selfcheck "+h.name) || !strings.Contains(out, "예 (examples)") {
				t.Errorf("%v: printed %q; want the usage and examples of %s", args, out, h.name)
			}
		}
	}
	for _, args := range [][]string{{"review", "1.2", "--help"}, {"stats", "unanswered", "-h"}} {
		if out, _, code := cli(t, nil, "", args...); code != 0 || !strings.Contains(out, "사용법 (usage)") {
			t.Errorf("%v: exit %d, %q; want the command's help", args, code, out)
		}
	}
	if out, _, code := cli(t, nil, "", "canned", "--help"); code != 0 || !strings.Contains(out, "canned COMMAND") {
		t.Errorf("canned --help: exit %d, %q; want canned's usage", code, out)
	}
	if _, stderr, code := cli(t, nil, "", "help", "frobnicate"); code != 2 || !strings.Contains(stderr, "frobnicate") {
		t.Errorf("help of an unknown command: exit %d, %q; want 2 naming it", code, stderr)
	}
}

// The examples in the help name files that exist in the repository, and
// those that need no file of the user's own run with exit status 0.
func TestHelpExamplesRun(t *testing.T) {
	examples := []string{}
	for _, h := range commandHelps {
		examples = append(examples, h.examples...)
	}
	_, overview, _ := strings.Cut(usage, "예 (examples)")
	for _, line := range strings.Split(overview, "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "selfcheck ") {
			examples = append(examples, l)
		}
	}
	for _, ex := range examples {
		if strings.Contains(ex, "your own file") || strings.Contains(ex, "writes a file") || strings.Contains(ex, "자가점검표") || strings.Contains(ex, "=") ||
			strings.HasPrefix(ex, "selfcheck help") && ex != "selfcheck help review" || strings.Contains(ex, "[") {
			continue // a user's own file, a server, or a synopsis
		}
		args, stdin := splitExample(t, ex)
		switch args[0] {
		case "serve", "index", "stats", "canned", "db":
			continue // these need a server or state; their help runs above
		}
		out, stderr, code := cli(t, nil, stdin, args...)
		if code != 0 || out == "" {
			t.Errorf("example %q: exit %d, stderr %q", ex, code, stderr)
		}
	}
}

// splitExample turns an example command line into its arguments (quotes
// removed, files found from the repository's root) and what "< FILE"
// sends to stdin.
func splitExample(t *testing.T, ex string) (args []string, stdin string) {
	t.Helper()
	ex = strings.TrimPrefix(ex, "selfcheck ")
	if cmd, file, ok := strings.Cut(ex, " < "); ok {
		b, err := os.ReadFile(filepath.Join("..", "..", strings.TrimSpace(file)))
		if err != nil {
			t.Fatalf("example %q: %v", ex, err)
		}
		ex, stdin = cmd, string(b)
	}
	for len(ex) > 0 {
		ex = strings.TrimLeft(ex, " ")
		var a string
		if strings.HasPrefix(ex, `"`) {
			end := strings.Index(ex[1:], `"`)
			a, ex = ex[1:end+1], ex[end+2:]
		} else {
			a, ex, _ = strings.Cut(ex, " ")
		}
		if strings.HasPrefix(a, "testdata/") {
			if _, err := os.Stat(filepath.Join("..", "..", a)); err != nil {
				t.Errorf("example names %s: %v", a, err)
			}
			a = filepath.Join("..", "..", a)
		}
		if a != "" {
			args = append(args, a)
		}
	}
	return args, stdin
}
