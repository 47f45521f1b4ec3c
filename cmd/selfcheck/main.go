// Command selfcheck answers questions about the self-check checklist of
// Korea's digital service review and reviews drafts against it, from the
// command line or as a Slack bot (selfcheck serve).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"syscall"

	"github.com/selfcheck/selfcheck/extract"
)

func main() {
	if slices.Equal(os.Args[1:], childArgs) {
		// Reading one untrusted file for a parent selfcheck (extract.Sandbox).
		os.Exit(extract.ServeChild(os.Stdin, os.Stdout))
	}
	oneShotGC(os.Args[1:])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], dotenv(os.Getenv, ".env"), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

const usage = `selfcheck — 디지털서비스 심사 자가 점검 도우미 (self-check assistant for Korea's digital service review)

사용법 (usage):
  selfcheck items [--json]                      안내가 있는 항목 (the items it has guidance for)
  selfcheck ask [--json] QUESTION               질문에 출처와 함께 답함 (answer a question, with sources)
  selfcheck review [--json] [--service KIND] ITEM [FILE|-]
                                                초안 검토, FILE 또는 표준 입력 (review a draft from FILE or stdin)
  selfcheck review [--json] all FILE            전체 양식의 모든 항목 검토 (review every item of a whole form)
      --report FILE.docx|FILE.md|FILE.html      검토 결과를 보고서 파일로도 저장 (also write the review as a report file to keep)
      --no-history                              이전 검토와 비교하지도, 이번 상태를 남기지도 않음 (neither compare with
                                                nor keep the statuses of the previous review: DATA_DIR/review-history.json)
  selfcheck extract [--json] FILE               파일에서 읽은 텍스트 (print the text read from a file)
  selfcheck index                               검색 색인 다시 만들기 ((re)build the search index under DATA_DIR)
  selfcheck serve                               Slack 봇 실행 (run the Slack bot)
  selfcheck canned SUBCOMMAND ...               준비된 답변, 지원 담당자용 (canned answers for support staff)
  selfcheck stats [unanswered|feedback] [--json] [--days N]
                                                질문·누락·피드백 통계, 지원 담당자용 (what applicants asked, missed and voted)
  selfcheck db status                           공유 상태의 위치와 스키마 버전 (where the shared state is, schema versions)
  selfcheck help [COMMAND]                      명령의 사용법 (how to use a command; also COMMAND --help or -h)
  selfcheck db backup DIR                       모든 저장소를 새 디렉터리에 복사, 서버 실행 중에도 (copy every store into the new directory DIR)

예 (examples), from the repository's root:
  selfcheck ask "1.3에는 무엇이 포함되어야 하나요?"
  selfcheck review 1.2 testdata/drafts/1.2-draft.txt
  selfcheck review 3.2 - < testdata/drafts/3.2-draft.txt
  selfcheck review all 자가점검표.hwp              (HWP, HWPX, DOCX, PDF 또는 텍스트 / or text)

설정은 환경 변수와 .env 파일에서 읽습니다. README.md를 보세요. (Configuration comes from the environment and a .env file; see README.md.)
종료 상태 (exit status): 0 완료, 누락도 결과임 (done; missing elements are a result), 2 사용법·입력·설정 오류 (usage, input or setting error), 1 내부 오류 (internal failure).
`

// oneShotGC lets a command that runs once and exits (everything but
// serve) grow its heap four times between collections rather than
// twice: loading the knowledge and the index allocates a few tens of MB
// that all stay live, and collecting on the way cost a tenth of an ask's
// CPU. A GOGC in the environment wins.
func oneShotGC(args []string) {
	if os.Getenv("GOGC") != "" || (len(args) > 0 && args[0] == "serve") {
		return
	}
	debug.SetGCPercent(400)
}

// run is the whole program, with its inputs passed in so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return printHelp(stdout, "")
	}
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "help" || cmd == "-h" || cmd == "--help" || cmd == "-help":
		if len(rest) > 0 && !helpWanted("help", rest[:1]) {
			return printHelp(stdout, rest[0])
		}
		if len(rest) > 0 {
			return printHelp(stdout, "help")
		}
		return printHelp(stdout, "")
	case helpWanted(cmd, rest):
		// Before the configuration is read: help works whatever it says.
		return printHelp(stdout, cmd)
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
		if len(rest) > 0 && rest[0] == "candidates" {
			return runCandidates(ctx, cfg.botstateConfig(), rest[1:], stdout)
		}
		return runCanned(ctx, rest, cfg.cannedConfig(), cannedIndexer(cfg, log), stdin, stdout, stderr)
	case "db":
		return runDB(ctx, cfg, rest, stdout)
	case "stats":
		return runStats(ctx, cfg, log, rest, stdout)
	default:
		return usageErr(fmt.Sprintf("알 수 없는 명령 %q입니다. selfcheck help로 명령을 확인하세요.", cmd), fmt.Sprintf("unknown command %q; run 'selfcheck help'", cmd))
	}
}
