package extract

import (
	"fmt"
	"strings"

	"github.com/selfcheck/selfcheck/usererr"
)

// userError is a problem with the file that its sender can fix: a user
// error (usererr.File), which the CLI maps to exit 2 and the Slack bot to
// a reply saying what to do.
func userError(ko, en string) error {
	return usererr.New(usererr.File, ko, en)
}

func isUserError(err error) bool { return usererr.Is(err) }

func tooLarge(limit int64) error {
	return userError(fmt.Sprintf("파일이 너무 큽니다. %s 이하의 파일을 보내 주세요.", size(limit)),
		fmt.Sprintf("file too large: the limit is %s", size(limit)))
}

// size says a limit in MB, or KB under 1 MB.
func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(n>>10, 1))
}

func unsupported() error {
	return userError("지원하지 않는 파일 형식입니다. HWP, HWPX, DOCX, PDF 또는 텍스트(.txt, .md) 파일을 보내 주세요.",
		"unsupported file type; send HWP, HWPX, DOCX, PDF or plain text")
}

// damaged reports a file of a known format that cannot be read: cut short
// in a download, or broken. what names the format for the user; the
// detail is the parser's and says nothing of the file's content.
func damaged(what string, detail error) error {
	ko := fmt.Sprintf("%s 파일이 손상되었거나 일부가 잘려 읽을 수 없습니다. 원본 프로그램에서 다시 저장해 보내 주세요.", what)
	en := fmt.Sprintf("damaged or truncated %s file", what)
	if detail != nil {
		en += ": " + strings.TrimSpace(detail.Error())
	}
	return userError(ko, en)
}

func protected(what string) error {
	return userError(fmt.Sprintf("보호된 %s 파일입니다(암호 또는 배포용 문서). 보호를 해제하여 일반 HWP, HWPX 또는 PDF로 저장해 보내 주세요.", what),
		"this file is protected; save it as a normal HWP/HWPX/PDF")
}

func textTooLong(limit int) error {
	return userError(fmt.Sprintf("파일의 텍스트가 %s를 넘습니다. 검토할 부분만 나누어 보내 주세요.", size(int64(limit))),
		fmt.Sprintf("the file holds more than %s of text", size(int64(limit))))
}
