package main

import (
	"testing"
	"time"
)

// eventually polls cond every interval until it holds, for as long as the
// test may run: a wait in these tests of real processes and sockets ends
// on what it waits for, never on a guess of how fast the machine is. It
// gives up a little before the test binary's -timeout, so that the test
// fails saying what did not happen rather than with a stack dump.
func eventually(t *testing.T, every time.Duration, cond func() bool) bool {
	t.Helper()
	end, ok := t.Deadline()
	if ok {
		end = end.Add(-15 * time.Second)
	} else {
		end = time.Now().Add(10 * time.Minute)
	}
	for !cond() {
		if time.Now().After(end) {
			return false
		}
		time.Sleep(every)
	}
	return true
}
