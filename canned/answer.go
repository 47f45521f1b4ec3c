package canned

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on the fields of an answer. They keep an answer postable as one
// Slack message and keep names typeable in a slash command.
const (
	// MaxNameLen is the longest name, in bytes (names are ASCII).
	MaxNameLen = 64
	// MaxTextLen is the longest text, in characters (runes), so that
	// Korean text gets the same allowance as English.
	MaxTextLen = 8000
	// MaxItemLen is the longest checklist item reference, in characters.
	MaxItemLen = 16
	// MaxTags is the largest number of tags on one answer.
	MaxTags = 16
	// MaxTagLen is the longest tag, in characters.
	MaxTagLen = 32
)

// ErrNotFound is returned (wrapped) when no answer has the given name.
var ErrNotFound = errors.New("canned answer not found")

// ErrExists is returned (wrapped) when a save or an import would replace
// an existing answer and the caller did not ask to force it.
var ErrExists = errors.New("canned answer already exists")

// ErrInvalid is matched by every [FieldError] and every fault in an import
// file, so callers can tell bad input (show it to the user) from a broken
// store (log it) with errors.Is.
var ErrInvalid = errors.New("invalid canned answer")

// FieldError reports one field of an answer that fails validation.
type FieldError struct {
	// Field is the field's name as it appears in export files ("name").
	Field string
	// Msg says what is wrong, in words a support engineer can act on.
	Msg string
}

// Error formats the error as "field: message".
func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Is makes errors.Is(err, ErrInvalid) true for every FieldError.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// Answer is one vetted reply that support staff can post in a thread.
type Answer struct {
	// Name is the answer's unique handle, a slug such as "cloud-cert".
	Name string `json:"name"`
	// Item is the checklist item the answer belongs to ("1.3"), if any.
	Item string `json:"item,omitempty"`
	// Text is the reply itself, posted verbatim.
	Text string `json:"text"`
	// Tags are lowercase keywords used to find the answer.
	Tags []string `json:"tags,omitempty"`
	// CreatedBy and UpdatedBy name who wrote and last changed the
	// answer; the store sets them, values passed to Save are ignored.
	CreatedBy string `json:"created_by"`
	UpdatedBy string `json:"updated_by"`
	// CreatedAt and UpdatedAt are set by the store, in UTC.
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Uses counts how often the answer was posted (see Store.MarkUsed).
	Uses int `json:"uses"`
}

// SameContent reports whether a and b say the same thing: name, item, text
// and tags. Authorship, times and use counts are ignored, which is what
// decides whether an import would really change an answer.
func (a Answer) SameContent(b Answer) bool {
	return a.Name == b.Name && a.Item == b.Item && a.Text == b.Text &&
		slices.Equal(a.Tags, b.Tags)
}

// ValidName reports whether name is a well-formed answer name.
func ValidName(name string) bool { return checkName(name) == nil }

func checkName(name string) error {
	if name == "" {
		return &FieldError{Field: "name", Msg: "must not be empty"}
	}
	if len(name) > MaxNameLen {
		return &FieldError{Field: "name", Msg: fmt.Sprintf("%q is longer than %d characters", name, MaxNameLen)}
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return &FieldError{Field: "name", Msg: fmt.Sprintf("%q may only contain lowercase letters a-z, digits and '-'", name)}
		}
	}
	return nil
}

// normalize returns a copy of a in canonical form, or the first field that
// cannot be made valid. Canonical form is what the store keeps, so that an
// exported and re-imported answer compares equal to the original.
func normalize(a Answer) (Answer, error) {
	if err := checkName(a.Name); err != nil {
		return a, err
	}

	a.Item = strings.TrimSpace(a.Item)
	if utf8.RuneCountInString(a.Item) > MaxItemLen {
		return a, &FieldError{Field: "item", Msg: fmt.Sprintf("is longer than %d characters", MaxItemLen)}
	}
	if strings.IndexFunc(a.Item, unicode.IsSpace) >= 0 || strings.IndexFunc(a.Item, unicode.IsControl) >= 0 {
		return a, &FieldError{Field: "item", Msg: fmt.Sprintf("%q must be a single word such as 1.3", a.Item)}
	}

	// Windows line endings come from pasted text and would otherwise make
	// two identical-looking answers differ.
	a.Text = strings.TrimSpace(strings.ReplaceAll(a.Text, "\r\n", "\n"))
	switch {
	case !utf8.ValidString(a.Text):
		return a, &FieldError{Field: "text", Msg: "is not valid UTF-8"}
	case a.Text == "":
		return a, &FieldError{Field: "text", Msg: "must not be empty"}
	case utf8.RuneCountInString(a.Text) > MaxTextLen:
		return a, &FieldError{Field: "text", Msg: fmt.Sprintf("has %d characters, more than the limit of %d", utf8.RuneCountInString(a.Text), MaxTextLen)}
	}

	tags, err := normalizeTags(a.Tags)
	if err != nil {
		return a, err
	}
	a.Tags = tags
	return a, nil
}

// normalizeTags lowercases, de-duplicates and sorts tags so that their order
// in a command or a file never shows up as a change.
func normalizeTags(in []string) ([]string, error) {
	var out []string
	for _, t := range in {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" {
			continue
		}
		if utf8.RuneCountInString(t) > MaxTagLen {
			return nil, &FieldError{Field: "tags", Msg: fmt.Sprintf("tag %q is longer than %d characters", t, MaxTagLen)}
		}
		// Commas separate tags on the command line; whitespace would make
		// a tag unsearchable as one word.
		if strings.ContainsRune(t, ',') || strings.IndexFunc(t, unicode.IsSpace) >= 0 ||
			strings.IndexFunc(t, unicode.IsControl) >= 0 || !utf8.ValidString(t) {
			return nil, &FieldError{Field: "tags", Msg: fmt.Sprintf("tag %q must be one word without commas", t)}
		}
		out = append(out, t)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxTags {
		return nil, &FieldError{Field: "tags", Msg: fmt.Sprintf("has %d tags, more than the limit of %d", len(out), MaxTags)}
	}
	return out, nil
}

func checkBy(by string) error {
	if strings.TrimSpace(by) == "" {
		return &FieldError{Field: "by", Msg: "must name who makes the change"}
	}
	return nil
}
