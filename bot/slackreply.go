package bot

import "fmt"

// incompleteReply is a Slack reply that says ok but lacks a field the bot
// needs (a stream without its ts, auth.test without the bot's user). It
// fails the one request that got it, like an error code would, so that
// nothing goes on with a zero value: a stream "started" without a ts
// would be started again on the next text.
type incompleteReply struct {
	Method, Field string
}

func (e *incompleteReply) Error() string {
	return fmt.Sprintf("slack %s: reply without %s", e.Method, e.Field)
}
