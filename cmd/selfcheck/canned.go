package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/usererr"
)

const cannedUsage = `usage: selfcheck canned COMMAND [ARGS]

지원 담당자가 검증해 Slack 스레드에 올리는 준비된 답변을 관리합니다.
Canned answers are vetted replies that support staff post in Slack threads.

Commands:
  add NAME [--item ITEM] [--tags a,b] [--text TEXT] [--force] [--by WHO]
                   save an answer; without --text the text is read from stdin
  show NAME [--raw]
                   print an answer (--raw: only its text)
  list [--json]    list all answers
  rm NAME [--by WHO]
                   delete an answer
  export FILE      write all answers as YAML, for review in git ("-": stdout)
  import FILE [--force] [--by WHO]
                   load answers from YAML or JSON ("-": stdin)
  candidates [--json]
                   staff replies that resolved a Slack escalation, offered
                   as canned answers and not saved yet (masked)

NAME is lowercase letters, digits and '-', e.g. cloud-cert.
`

// maxTextInput bounds what "add" reads from stdin; the store's own limit
// is far lower, this only stops a mistaken pipe from filling memory.
const maxTextInput = 1 << 20

// runCanned runs "selfcheck canned ARGS…" against the store where names.
// Results go to stdout; a usage problem returns a usage error. index, when
// set, brings the canned answers' search index up to date after a change
// (see cannedIndexer).
func runCanned(ctx context.Context, args []string, where canned.Config, index cannedIndexFunc, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr("canned 명령을 적어 주세요(add, show, list, rm, export, import). selfcheck canned --help로 확인하세요.", "canned: missing command; see selfcheck canned --help")
	}
	cmd, rest := args[0], args[1:]
	c := cannedCLI{ctx: ctx, where: where, index: index, stdin: stdin, stdout: stdout, stderr: stderr}
	switch cmd {
	case "help", "-h", "-help", "--help":
		_, err := io.WriteString(stdout, cannedUsage)
		return err
	case "add":
		return c.add(rest)
	case "show":
		return c.show(rest)
	case "list", "ls":
		return c.list(rest)
	case "rm", "remove", "delete":
		return c.remove(rest)
	case "export":
		return c.export(rest)
	case "import":
		return c.importFile(rest)
	default:
		return usageErr(fmt.Sprintf("canned: 알 수 없는 명령 %q입니다. selfcheck canned --help로 확인하세요.", cmd), fmt.Sprintf("canned: unknown command %q; see selfcheck canned --help", cmd))
	}
}

// cannedCLI carries what every subcommand needs, so none is global.
type cannedCLI struct {
	ctx            context.Context
	where          canned.Config // the store: DATA_DIR or DATABASE_URL
	index          cannedIndexFunc
	stdin          io.Reader
	stdout, stderr io.Writer
}

// open is called only after the arguments are checked, so a typo never
// creates a database file.
func (c cannedCLI) open() (*canned.Store, error) {
	// Changes are reported on stdout in plain words; the store's change
	// log is for the server's structured logs, so only warnings show here.
	log := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := c.where
	cfg.Logger = log
	return canned.Open(c.ctx, cfg)
}

// subcommand describes one subcommand's command line.
type subcommand struct {
	name  string // "add"
	usage string // "add NAME [--item ITEM] …"
	args  int    // number of positional arguments required
}

// parse parses flags that may come before, between or after the
// positional arguments ("add faq-1 --force" and "add --force faq-1").
// ok is false when help was asked for and has been printed.
func (c cannedCLI) parse(sc subcommand, fs *flag.FlagSet, args []string) (pos []string, ok bool, err error) {
	fs.SetOutput(io.Discard) // errors are returned, with our own usage
	usage := "usage: selfcheck canned " + sc.usage
	pos, err = parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(c.stdout, usage)
		fs.SetOutput(c.stdout)
		fs.PrintDefaults()
		return nil, false, nil
	} else if err != nil {
		return nil, false, usageErr(fmt.Sprintf("canned %s: 잘못된 옵션입니다(%v). %s", sc.name, err, usage), fmt.Sprintf("canned %s: %v", sc.name, err))
	}
	if len(pos) != sc.args {
		return nil, false, usageErr(fmt.Sprintf("canned %s: 인수 %d개가 필요한데 %d개입니다. %s", sc.name, sc.args, len(pos), usage), fmt.Sprintf("canned %s: want %d argument(s), got %d", sc.name, sc.args, len(pos)))
	}
	return pos, true, nil
}

// inputError turns a store error the user can fix (a bad name or text, a
// name that does not exist, or one that already does) into a user error,
// which main reports with exit status 2 like other input errors, worded
// as the one line a user needs. Other errors pass through unchanged.
func inputError(name string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, canned.ErrNotFound):
		return usererr.Wrap(usererr.NotFound, fmt.Sprintf("준비된 답변 %q이(가) 없습니다.", name), fmt.Sprintf("canned answer %q not found", name), err)
	case errors.Is(err, canned.ErrExists) && name != "":
		return usererr.Wrap(usererr.Exists, fmt.Sprintf("준비된 답변 %q이(가) 이미 있습니다. 바꾸려면 --force를 붙이세요.", name), fmt.Sprintf("canned answer %q already exists; add --force to replace it", name), err)
	case errors.Is(err, canned.ErrExists), errors.Is(err, canned.ErrInvalid):
		return usererr.Wrap(usererr.Usage, "준비된 답변을 저장할 수 없습니다: "+err.Error(), err.Error(), err)
	}
	return err
}

func (c cannedCLI) add(args []string) error {
	sc := subcommand{name: "add", args: 1, usage: "add NAME [--item ITEM] [--tags a,b] [--text TEXT] [--force] [--by WHO]  (text from stdin without --text)"}
	fs := flag.NewFlagSet("canned add", flag.ContinueOnError)
	item := fs.String("item", "", "checklist item the answer belongs to, e.g. 1.3")
	tags := fs.String("tags", "", "comma-separated tags, e.g. cloud,csap")
	text := fs.String("text", "", "the answer text (default: read from stdin)")
	force := fs.Bool("force", false, "replace an existing answer of the same name")
	by := fs.String("by", "cli", "who makes the change, for the log")
	pos, ok, err := c.parse(sc, fs, args)
	if !ok {
		return err
	}
	name := pos[0]

	textSet := false
	fs.Visit(func(f *flag.Flag) { textSet = textSet || f.Name == "text" })
	if !textSet {
		if c.stdin == nil {
			return usageErr("canned add: --text로 답변을 주거나 표준 입력으로 보내 주세요.", "canned add: no --text and no stdin to read the text from")
		}
		b, err := io.ReadAll(io.LimitReader(c.stdin, maxTextInput))
		if err != nil {
			return fmt.Errorf("canned add: read text from stdin: %w", err)
		}
		*text = string(b)
	}

	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := s.Save(c.ctx, canned.Answer{Name: name, Item: *item, Text: *text, Tags: strings.Split(*tags, ",")},
		canned.SaveOptions{Force: *force, By: *by})
	if err != nil {
		return inputError(name, err)
	}
	if _, err := fmt.Fprintf(c.stdout, "saved canned answer %q (%d characters)\n", a.Name, utf8.RuneCountInString(a.Text)); err != nil {
		return err
	}
	c.updateIndex(s)
	return nil
}

func (c cannedCLI) show(args []string) error {
	sc := subcommand{name: "show", args: 1, usage: "show NAME [--raw]"}
	fs := flag.NewFlagSet("canned show", flag.ContinueOnError)
	raw := fs.Bool("raw", false, "print only the text, e.g. to copy it")
	pos, ok, err := c.parse(sc, fs, args)
	if !ok {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := s.Get(c.ctx, pos[0])
	if err != nil {
		return inputError(pos[0], err)
	}
	if *raw {
		_, err = fmt.Fprintln(c.stdout, a.Text)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "name:    %s\n", a.Name)
	if a.Item != "" {
		fmt.Fprintf(&b, "item:    %s\n", a.Item)
	}
	if len(a.Tags) > 0 {
		fmt.Fprintf(&b, "tags:    %s\n", strings.Join(a.Tags, ", "))
	}
	fmt.Fprintf(&b, "created: %s by %s\n", a.CreatedAt.Format("2006-01-02 15:04 MST"), a.CreatedBy)
	fmt.Fprintf(&b, "updated: %s by %s\n", a.UpdatedAt.Format("2006-01-02 15:04 MST"), a.UpdatedBy)
	fmt.Fprintf(&b, "uses:    %d\n\n%s\n", a.Uses, a.Text)
	_, err = io.WriteString(c.stdout, b.String())
	return err
}

func (c cannedCLI) list(args []string) error {
	sc := subcommand{name: "list", args: 0, usage: "list [--json]"}
	fs := flag.NewFlagSet("canned list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print a JSON array (importable with canned import)")
	if _, ok, err := c.parse(sc, fs, args); !ok {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Close()
	answers, err := s.List(c.ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // answers quote <URLs> and "&" verbatim
		return enc.Encode(answers)
	}
	if len(answers) == 0 {
		_, err := fmt.Fprintln(c.stdout, "no canned answers yet; add one with: selfcheck canned add NAME")
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tITEM\tTAGS\tUSES\tUPDATED\tTEXT")
	for _, a := range answers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", a.Name, orDash(a.Item), orDash(strings.Join(a.Tags, ",")),
			a.Uses, a.UpdatedAt.Format("2006-01-02"), snippet(a.Text, 50))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// snippet is the first line of text, cut to max characters, so that a
// listing stays one line per answer.
func snippet(text string, max int) string {
	line, _, more := strings.Cut(text, "\n")
	if utf8.RuneCountInString(line) > max {
		return string([]rune(line)[:max-1]) + "…"
	}
	if more {
		return line + " …"
	}
	return line
}

func (c cannedCLI) remove(args []string) error {
	sc := subcommand{name: "rm", args: 1, usage: "rm NAME [--by WHO]"}
	fs := flag.NewFlagSet("canned rm", flag.ContinueOnError)
	by := fs.String("by", "cli", "who makes the change, for the log")
	pos, ok, err := c.parse(sc, fs, args)
	if !ok {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Delete(c.ctx, pos[0], *by); err != nil {
		return inputError(pos[0], err)
	}
	if _, err := fmt.Fprintf(c.stdout, "removed canned answer %q\n", pos[0]); err != nil {
		return err
	}
	c.updateIndex(s)
	return nil
}

func (c cannedCLI) export(args []string) error {
	sc := subcommand{name: "export", args: 1, usage: `export FILE  ("-" for stdout)`}
	fs := flag.NewFlagSet("canned export", flag.ContinueOnError)
	pos, ok, err := c.parse(sc, fs, args)
	if !ok {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Close()
	if pos[0] == "-" {
		return s.Export(c.ctx, c.stdout)
	}
	if err := writeFileAtomic(pos[0], func(w io.Writer) error { return s.Export(c.ctx, w) }); err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "exported canned answers to %s\n", pos[0])
	return err
}

// writeFileAtomic writes path through a temporary file in the same
// directory, so a failed export never leaves a truncated file where a good
// one was (the file is usually tracked in git).
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".canned-export-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func (c cannedCLI) importFile(args []string) error {
	sc := subcommand{name: "import", args: 1, usage: `import FILE [--force] [--by WHO]  ("-" for stdin)`}
	fs := flag.NewFlagSet("canned import", flag.ContinueOnError)
	force := fs.Bool("force", false, "replace existing answers whose content differs")
	by := fs.String("by", "cli", "who makes the change, for the log")
	pos, ok, err := c.parse(sc, fs, args)
	if !ok {
		return err
	}
	in := c.stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return fmt.Errorf("canned import: %w", err)
		}
		defer f.Close()
		in = f
	} else if in == nil {
		return usageErr("canned import: 읽을 표준 입력이 없습니다. 파일 이름을 주세요.", "canned import: no stdin to read from")
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.Import(c.ctx, in, canned.ImportOptions{Force: *force, By: *by})
	if err != nil {
		return inputError("", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "imported: %d added, %d updated, %d unchanged\n", len(res.Added), len(res.Updated), len(res.Unchanged))
	for _, n := range res.Added {
		fmt.Fprintf(&b, "  added   %s\n", n)
	}
	for _, n := range res.Updated {
		fmt.Fprintf(&b, "  updated %s\n", n)
	}
	if _, err := io.WriteString(c.stdout, b.String()); err != nil {
		return err
	}
	if len(res.Added)+len(res.Updated) > 0 {
		c.updateIndex(s)
	}
	return nil
}

// cannedIndexFunc brings the canned answers' search index (canned.vec)
// up to date with the store and returns how many answers it holds.
type cannedIndexFunc func(ctx context.Context, s *canned.Store) (int, error)

// updateIndex updates canned.vec after a change, so that serve's next
// start loads the embeddings instead of computing them for every answer.
// The change is saved whatever happens here: a failure (a read-only
// DATA_DIR, an embedding server down) only leaves the work to serve, and
// says so.
func (c cannedCLI) updateIndex(s *canned.Store) {
	if c.index == nil {
		return
	}
	n, err := c.index(c.ctx, s)
	if err != nil {
		fmt.Fprintf(c.stderr, "selfcheck: 변경은 저장했지만 준비된 답변의 검색 색인은 갱신하지 못했습니다(serve가 다음 시작 때 다시 만듭니다). (the change is saved, but the search index of canned answers was not updated; serve will rebuild it at its next start): %v\n", err)
		return
	}
	fmt.Fprintf(c.stderr, "준비된 답변의 검색 색인을 갱신했습니다. (search index of canned answers updated (%d answers))\n", n)
}
