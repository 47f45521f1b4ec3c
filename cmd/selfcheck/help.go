package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// commandHelp is what "selfcheck help CMD", "selfcheck CMD --help" and
// "selfcheck CMD -h" print: the synopsis, what the command does in Korean
// and then in English, its options and examples. The examples run as
// written from the repository's root (TestHelpExamplesRun runs them),
// except those that name a file of the user's own.
type commandHelp struct {
	name     string
	synopsis []string
	korean   string
	english  string
	options  []string
	examples []string
}

var commandHelps = []commandHelp{
	{
		name:     "items",
		synopsis: []string{"selfcheck items [--json]"},
		korean:   "안내가 있는 항목과 각 항목의 필수 요소 수를 보여 줍니다.",
		english:  "Lists the items selfcheck has guidance for, with their number of required elements.",
		options:  []string{"--json   JSON으로 출력 (print JSON: id, title)"},
		examples: []string{"selfcheck items", "selfcheck items --json"},
	},
	{
		name:     "ask",
		synopsis: []string{"selfcheck ask [--json] QUESTION", "selfcheck ask [--json] -          (질문을 표준 입력에서 읽음 / question from stdin)"},
		korean:   "체크리스트에 관한 질문에 출처와 함께 답합니다. 안내가 없는 항목(1.4)과 체크리스트에 없는 번호(9.9)는 그렇다고 답합니다.",
		english:  "Answers a question about the checklist, with its sources. An item without guidance (1.4) and a number the checklist does not have (9.9) are answered as such.",
		options:  []string{"--json   JSON으로 출력 (print JSON: item, element, answer, sources, known, llm, model, notices)"},
		examples: []string{
			`selfcheck ask "1.3에는 무엇이 포함되어야 하나요?"`,
			`selfcheck ask "비밀번호는 어떻게 저장해야 하나요?"`,
			`selfcheck ask --json "How should we store passwords?"`,
		},
	},
	{
		name: "review",
		synopsis: []string{
			"selfcheck review [--json] [--service KIND] [--report FILE.docx|FILE.md|FILE.html] [--no-history] ITEM [FILE|-]",
			"selfcheck review [--json] [--report FILE] all FILE",
		},
		korean:  "초안을 항목의 필수 요소마다 검토해 충족·일부·누락을 근거 문장과 함께 보여 줍니다. FILE은 HWP, HWPX, DOCX, PDF 또는 텍스트이고, 없거나 -이면 표준 입력에서 읽습니다. all은 전체 양식의 항목을 모두 검토합니다. 누락이 있어도 종료 상태는 0입니다.",
		english: "Reviews a draft against every required element of an item: present, partial or missing, with the evidence quoted. FILE is HWP, HWPX, DOCX, PDF or text; without it, or with -, the draft is read from stdin. all reviews every item of a whole form. Missing elements are a result: the exit status is 0.",
		options: []string{
			"--json           JSON으로 출력 (print JSON, as documented in README.md)",
			"--service KIND   서비스 유형: support, cloud, convergence (kind of service; default: read from the draft)",
			"--report FILE    검토 결과를 보고서 파일로도 저장: .docx, .md, .html (also write the review as a report file)",
			"--no-history     이전 검토와 비교하지 않고 이번 결과도 남기지 않음 (do not compare with, or keep, this review in DATA_DIR)",
		},
		examples: []string{
			"selfcheck review 1.2 testdata/drafts/1.2-draft.txt",
			"selfcheck review --json 1.3 testdata/drafts/1.3-draft.txt",
			"selfcheck review --service support 3.1 testdata/drafts/3.1-draft.txt",
			"selfcheck review 3.2 - < testdata/drafts/3.2-draft.txt",
			"selfcheck review 1.2 testdata/drafts/1.2-draft.txt --report 1.2-검토.docx      (writes a file)",
			"selfcheck review all 자가점검표.hwp          (your own file)",
		},
	},
	{
		name:     "extract",
		synopsis: []string{"selfcheck extract [--json] [FILE|-]"},
		korean:   "파일에서 읽은 텍스트를 그대로 보여 줍니다. review가 무엇을 읽었는지 확인할 때 씁니다.",
		english:  "Prints the text selfcheck read from a file: what review reads.",
		options:  []string{"--json   JSON으로 출력 (print JSON: file, format, pages, text)"},
		examples: []string{
			"selfcheck extract testdata/drafts/1.3-draft.txt",
			"selfcheck extract --json 자가점검표.pdf      (your own file)",
		},
	},
	{
		name:     "index",
		synopsis: []string{"selfcheck index"},
		korean:   "DATA_DIR 아래 검색 색인을 다시 만듭니다. 보통은 처음 쓸 때 저절로 만들어집니다.",
		english:  "Rebuilds the search index under DATA_DIR; it is built by itself on first use.",
		examples: []string{"selfcheck index"},
	},
	{
		name:     "serve",
		synopsis: []string{"selfcheck serve"},
		korean:   "Slack 봇을 실행합니다. SLACK_APP_TOKEN이 있으면 Socket Mode, 없으면 LISTEN_ADDR에서 HTTP로 받습니다. 설정은 docs/slack.md를 보세요.",
		english:  "Runs the Slack bot: Socket Mode with SLACK_APP_TOKEN, else HTTP on LISTEN_ADDR. Setup: docs/slack.md.",
		examples: []string{"SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… selfcheck serve"},
	},
	{
		name:     "stats",
		synopsis: []string{"selfcheck stats [--json] [--days N]", "selfcheck stats unanswered [--json] [--days N]", "selfcheck stats feedback [--json] [--days N]"},
		korean:   "serve가 센 질문·검토·피드백 통계, 답하지 못한 질문(마스킹됨), 👎 피드백의 이유를 보여 줍니다(지원 담당자용).",
		english:  "What applicants asked, missed and voted while serve ran, the masked questions it could not answer, and the reasons given with 👎 (support staff).",
		options: []string{
			"--json     JSON으로 출력 (print JSON)",
			"--days N   최근 N일, 오늘 포함 (the last N days, today included; default 30)",
		},
		examples: []string{"selfcheck stats", "selfcheck stats unanswered --days 7"},
	},
	{
		name:     "db",
		synopsis: []string{"selfcheck db status"},
		korean:   "공유 상태가 어디 있는지(SQLite 또는 PostgreSQL)와 저장소마다 스키마 버전을 보여 줍니다. 아무것도 만들거나 바꾸지 않습니다.",
		english:  "Says where the shared state is (SQLite or PostgreSQL) and each store's schema version; creates and changes nothing.",
		examples: []string{"selfcheck db status"},
	},
	{
		name:     "help",
		synopsis: []string{"selfcheck help [COMMAND]", "selfcheck COMMAND --help | -h"},
		korean:   "명령 목록이나 한 명령의 사용법을 보여 줍니다.",
		english:  "Shows the commands, or how to use one.",
		examples: []string{"selfcheck help review", "selfcheck review --help"},
	},
}

// printHelp prints the help of the command name, or the overview for "".
func printHelp(w io.Writer, name string) error {
	switch name {
	case "":
		_, err := io.WriteString(w, usage)
		return err
	case "canned":
		_, err := io.WriteString(w, cannedUsage)
		return err
	}
	i := slices.IndexFunc(commandHelps, func(h commandHelp) bool { return h.name == name })
	if i < 0 {
		return usageErr(fmt.Sprintf("알 수 없는 명령 %q입니다. selfcheck help로 명령을 확인하세요.", name), fmt.Sprintf("unknown command %q; run 'selfcheck help'", name))
	}
	h := commandHelps[i]
	var b strings.Builder
	b.WriteString("사용법 (usage):\n")
	for _, s := range h.synopsis {
		fmt.Fprintf(&b, "  %s\n", s)
	}
	fmt.Fprintf(&b, "\n%s\n%s\n", h.korean, h.english)
	if len(h.options) > 0 {
		b.WriteString("\n옵션 (options):\n")
		for _, o := range h.options {
			fmt.Fprintf(&b, "  %s\n", o)
		}
	}
	b.WriteString("\n예 (examples):\n")
	for _, e := range h.examples {
		fmt.Fprintf(&b, "  %s\n", e)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// helpWanted reports whether args ask for the help of cmd: a -h, -help or
// --help among them (before "--"), or "help" right after the command
// word ("review help"; "ask help" is a question). canned answers its own
// help, subcommand by subcommand.
func helpWanted(cmd string, args []string) bool {
	if cmd == "canned" {
		return false
	}
	for i, a := range args {
		switch {
		case a == "--":
			return false
		case a == "-h" || a == "-help" || a == "--help" || (cmd != "ask" && a == "help" && i == 0):
			return true
		}
	}
	return false
}
