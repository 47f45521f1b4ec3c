package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/selfcheck/selfcheck/botstate"
)

// maxCandidates bounds what `canned candidates` lists.
const maxCandidates = 500

// runCandidates is `selfcheck canned candidates [--json]`: the staff
// replies that resolved an escalation and were offered as canned answers
// but not saved yet (masked, as the bot keeps them), oldest first.
func runCandidates(ctx context.Context, where botstate.Config, args []string, stdout io.Writer) error {
	fs := newFlagSet("canned candidates")
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr("canned candidates 명령은 인수를 받지 않습니다.", "canned candidates takes no arguments")
	}
	list, err := readCandidates(ctx, where)
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []botstate.Candidate{}
		}
		return writeJSON(stdout, list)
	}
	if len(list) == 0 {
		_, err := fmt.Fprintln(stdout, "저장되지 않은 후보가 없어요. (no unsaved candidates)")
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tITEM\tSTAFF\tAT\tTEXT")
	for _, c := range list {
		first, _, _ := strings.Cut(strings.TrimSpace(c.Text), "\n")
		if utf8.RuneCountInString(first) > 60 {
			first = string([]rune(first)[:60]) + "…"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, dash(c.Item), c.Staff, c.At.Format("2006-01-02 15:04"), first)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, "\n저장은 Slack에서: 담당자에게 온 \"이 답변을 지원 답변으로 저장\" 버튼, 또는 `selfcheck canned add`.")
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// readCandidates opens the bot's state where it is, without creating a
// database file as a side effect.
func readCandidates(ctx context.Context, where botstate.Config) ([]botstate.Candidate, error) {
	if where.DatabaseURL == "" {
		if where.Dir == "" {
			return nil, nil
		}
		if _, err := os.Stat(filepath.Join(where.Dir, botstate.FileName)); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	st, err := botstate.Open(ctx, where)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Candidates(ctx, maxCandidates)
}
