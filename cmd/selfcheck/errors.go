package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/selfcheck/selfcheck/storage"
	"github.com/selfcheck/selfcheck/usererr"
)

// usageErr is a command line that cannot be run as typed: a user error
// (exit status 2) whose message says, in Korean and then in English, what
// to type instead.
func usageErr(korean, english string) error {
	return usererr.New(usererr.Usage, korean, english)
}

// settingErr is a configuration value to fix (an environment variable, a
// token Slack rejects): a user error, exit status 2.
func settingErr(korean, english string) error {
	return usererr.New(usererr.Setting, korean, english)
}

// exitCode reports err on w and maps it to the exit status: 2 for the
// errors a user can fix (usererr), 1 for everything else.
func exitCode(err error, w io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "selfcheck: 중단되었습니다 (interrupted)")
		return 1
	}
	fmt.Fprintln(w, "selfcheck:", err)
	if storage.KindOf(err) == storage.Full {
		fmt.Fprintln(w, "selfcheck: 저장 공간이 부족해 저장하지 못했어요 (the disk is full): DATA_DIR에 공간을 확보한 뒤 다시 시도해 주세요 (free space and try again)")
	}
	if usererr.Is(err) {
		return 2
	}
	return 1
}
