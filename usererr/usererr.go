// Package usererr tells the errors a user can fix from internal failures.
// A user error (a question, draft, file, argument or setting that cannot
// be used as given) carries a stable code and a message in Korean and in
// English that says what to fix; every other error is internal. The CLI
// maps a user error to exit status 2 and the Slack bot to a private reply
// with its message; an internal error is exit status 1, or "try again
// later" and a log line. It sits below every package that makes or reads
// such errors, so that they are classified once.
package usererr

import "errors"

// Code names the kind of a user error; codes are stable, for scripts and
// tests, and never shown alone.
type Code string

// The codes of user errors.
const (
	// Usage is a command line the program does not understand.
	Usage Code = "usage"
	// Setting is a configuration value (an environment variable, a
	// token Slack rejects) that must be fixed.
	Setting Code = "setting"
	// UnknownItem is an item the checklist numbers but selfcheck has no
	// guidance for yet (1.4).
	UnknownItem Code = "unknown_item"
	// NoSuchItem is an item number the checklist does not have (9.9).
	NoSuchItem Code = "no_such_item"
	// EmptyQuestion and LongQuestion are questions that cannot be asked
	// as given.
	EmptyQuestion Code = "empty_question"
	LongQuestion  Code = "long_question"
	// EmptyDraft, LargeDraft and NotText are drafts that cannot be
	// reviewed; NoSection is a form without the requested item's section.
	EmptyDraft Code = "empty_draft"
	LargeDraft Code = "large_draft"
	NotText    Code = "not_text"
	NoSection  Code = "no_section"
	// File is a file that cannot be read: missing, protected, scanned,
	// damaged, unsupported or too large.
	File Code = "file"
	// NotFound is a named thing (a canned answer) that does not exist.
	NotFound Code = "not_found"
	// Exists is a named thing that exists already.
	Exists Code = "exists"
)

// Error is a user error. Its message says what to fix, in Korean and in
// English.
type Error struct {
	Code    Code
	Korean  string
	English string
	err     error
}

// New returns a user error.
func New(code Code, korean, english string) *Error {
	return &Error{Code: code, Korean: korean, English: english}
}

// Wrap is New with the error that caused it, for errors.Is and errors.As;
// the cause's text is not part of the message.
func Wrap(code Code, korean, english string, cause error) *Error {
	return &Error{Code: code, Korean: korean, English: english, err: cause}
}

// Error is the message in Korean with the English after it.
func (e *Error) Error() string {
	switch {
	case e.English == "":
		return e.Korean
	case e.Korean == "":
		return e.English
	}
	return e.Korean + " (" + e.English + ")"
}

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.err }

// As returns the user error in err's chain, or false when err is
// internal (or nil).
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is reports whether err is a user error.
func Is(err error) bool {
	_, ok := As(err)
	return ok
}
