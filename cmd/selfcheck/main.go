// Command selfcheck answers questions about the self-check checklist of
// Korea's digital service review and reviews drafts against it, from the
// command line or as a Slack bot (selfcheck serve).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/selfcheck/selfcheck/extract"
)

func main() {
	if slices.Equal(os.Args[1:], childArgs) {
		// Reading one untrusted file for a parent selfcheck (extract.Sandbox).
		os.Exit(extract.ServeChild(os.Stdin, os.Stdout))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], dotenv(os.Getenv, ".env"), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

const usage = `selfcheck — 디지털서비스 심사 자가 점검 도우미 (self-check assistant for Korea's digital service review)

Usage:
  selfcheck items [--json]                      the items it has guidance for
  selfcheck ask [--json] QUESTION               answer a question, with sources
  selfcheck review [--json] [--service KIND] ITEM [FILE|-]
                                                review a draft (from FILE, or stdin)
  selfcheck review [--json] all FILE            review every item of a whole form
      --report FILE.docx|FILE.md|FILE.html      also write the review as a report file to keep
      --no-history                              neither compare with nor keep the statuses of the
                                                previous review (DATA_DIR/review-history.json)
  selfcheck extract [--json] FILE               print the text read from a file
  selfcheck index                               (re)build the search index under DATA_DIR
  selfcheck serve                               run the Slack bot
  selfcheck canned SUBCOMMAND ...               canned answers for support staff
  selfcheck stats [unanswered|feedback] [--json] [--days N]
                                                what applicants asked, missed and voted (support staff)
  selfcheck db status                           where the shared state is (SQLite or PostgreSQL), schema versions

Examples:
  selfcheck ask "1.3에는 무엇이 포함되어야 하나요?"
  selfcheck review 1.2 testdata/drafts/1.2-complete.txt
  pbpaste | selfcheck review 1.3 -
  selfcheck review all 자가점검표.hwp              (HWP, HWPX, DOCX, PDF or text)

Configuration comes from the environment (and a .env file); see README.md.
Exit status: 0 done (missing elements are a result), 2 usage or input error, 1 internal failure.
`

// run is the whole program, with its inputs passed in so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	switch cmd, rest := args[0], args[1:]; cmd {
	case "items":
		return runItems(ctx, cfg, rest, stdout)
	case "ask":
		return runAsk(ctx, cfg, log, rest, stdin, stdout)
	case "review":
		return runReview(ctx, cfg, log, rest, stdin, stdout, stderr)
	case "extract":
		return runExtract(ctx, cfg, rest, stdin, stdout)
	case "index":
		return runIndex(ctx, cfg, log, rest, stdout)
	case "serve":
		return runServeCommand(ctx, cfg, log, getenv, stderr)
	case "canned":
		return runCanned(ctx, rest, cfg.cannedConfig(), stdin, stdout, stderr)
	case "db":
		return runDB(ctx, cfg, rest, stdout)
	case "stats":
		return runStats(ctx, cfg, log, rest, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usageError{msg: fmt.Sprintf("unknown command %q; run 'selfcheck help'", cmd)}
	}
}

// exitCode reports err on w and maps it to the exit status: 2 for usage
// and input errors, 1 for everything else.
func exitCode(err error, w io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "selfcheck: interrupted")
		return 1
	}
	fmt.Fprintln(w, "selfcheck:", err)
	if isInputError(err) {
		return 2
	}
	return 1
}
