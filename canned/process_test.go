package canned

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Environment of a helper process started by helperCmd.
const (
	envHelper = "CANNED_TEST_HELPER" // mode: "write" or "loop"
	envDir    = "CANNED_TEST_DIR"
	envPrefix = "CANNED_TEST_PREFIX"
	envCount  = "CANNED_TEST_COUNT"
)

// ackPrefix marks an acknowledgement line, so that whatever else the test
// binary prints on stdout cannot be mistaken for one.
const ackPrefix = "ack "

// TestHelperProcess is not a test: it is the body of the child processes
// the multi-process tests start. It saves answers named PREFIX-0, PREFIX-1,
// … and prints "ack NAME" after each Save has returned, i.e. after the
// store promised the answer is durable. In "loop" mode it runs until
// killed (bounded as a safety net).
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(envHelper)
	if mode == "" {
		t.Skip("helper process for the multi-process tests")
	}
	count, _ := strconv.Atoi(os.Getenv(envCount))
	if mode == "loop" {
		count = 100000
	}
	ctx := context.Background()
	s, err := Open(ctx, Config{Dir: os.Getenv(envDir)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
	prefix := os.Getenv(envPrefix)
	for i := range count {
		name := fmt.Sprintf("%s-%d", prefix, i)
		if _, err := s.Save(ctx, Answer{Name: name, Text: strings.Repeat("answer text ", 50), Tags: []string{"t"}}, SaveOptions{By: prefix}); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(4)
		}
		// os.Stdout is unbuffered: the line leaves the process now.
		fmt.Println(ackPrefix + name)
	}
	s.Close()
	os.Exit(0)
}

// helperCmd prepares a helper process; the context bounds its lifetime so
// a stuck child cannot hang the test run.
func helperCmd(ctx context.Context, mode, dir, prefix string, count int) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		envHelper+"="+mode, envDir+"="+dir, envPrefix+"="+prefix, envCount+"="+strconv.Itoa(count))
	return cmd
}

// readAcks collects acknowledged names from r until EOF; after the first
// `signalAfter` acks it closes reached (if not nil).
func readAcks(r io.Reader, signalAfter int, reached chan<- struct{}) []string {
	var acks []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), ackPrefix); ok {
			acks = append(acks, name)
			if len(acks) == signalAfter && reached != nil {
				close(reached)
			}
		}
	}
	return acks
}

func assertPresent(t *testing.T, dir string, names []string) {
	t.Helper()
	s := openTest(t, Config{Dir: dir})
	ctx := t.Context()
	var result string
	if err := s.db.SQL.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil || result != "ok" {
		t.Errorf("integrity_check: got %q, %v; want ok", result, err)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have := make(map[string]bool, len(list))
	for _, a := range list {
		have[a.Name] = true
	}
	for _, n := range names {
		if !have[n] {
			t.Errorf("acknowledged answer %q is missing", n)
		}
	}
}

func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	dir := t.TempDir() // the children create the file, racing to migrate

	const procs, each = 4, 20
	var (
		mu   sync.Mutex
		acks []string
		wg   sync.WaitGroup
	)
	for p := range procs {
		cmd := helperCmd(ctx, "write", dir, fmt.Sprintf("p%d", p), each)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			got := readAcks(out, 0, nil)
			if err := cmd.Wait(); err != nil {
				t.Errorf("helper p%d: %v\n%s", p, err, stderr.String())
			}
			if len(got) != each {
				t.Errorf("helper p%d: got %d acks; want %d", p, len(got), each)
			}
			mu.Lock()
			acks = append(acks, got...)
			mu.Unlock()
		})
	}
	// The parent writes too, as the server would while the CLI runs.
	s := openTest(t, Config{Dir: dir})
	for i := range each {
		name := fmt.Sprintf("parent-%d", i)
		if _, err := s.Save(ctx, Answer{Name: name, Text: "x"}, SaveOptions{By: "parent"}); err != nil {
			t.Errorf("parent Save: %v", err)
			continue
		}
		mu.Lock()
		acks = append(acks, name)
		mu.Unlock()
	}
	wg.Wait()

	if want := (procs + 1) * each; len(acks) != want {
		t.Errorf("got %d acknowledged saves; want %d", len(acks), want)
	}
	assertPresent(t, dir, acks)
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills child processes")
	}
	dir := t.TempDir()
	var acks []string
	// Several rounds, each killed after a different number of saves, so
	// the kill lands at different points of the write path, and each
	// round starts on the file the previous kill left behind.
	for round, killAfter := range []int{1, 7, 25} {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		cmd := helperCmd(ctx, "loop", dir, fmt.Sprintf("r%d", round), 0)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		reached := make(chan struct{})
		done := make(chan []string)
		go func() { done <- readAcks(out, killAfter, reached) }()

		select {
		case <-reached:
		case <-ctx.Done():
			t.Fatalf("round %d: helper did not acknowledge %d saves in time\n%s", round, killAfter, stderr.String())
		}
		// Process.Kill is SIGKILL: no deferred code, no Close, nothing
		// flushed beyond what Save already made durable.
		if err := cmd.Process.Kill(); err != nil {
			t.Fatalf("round %d: kill: %v", round, err)
		}
		// Acks already in the pipe were sent after Save returned, so they
		// count too.
		got := <-done
		if err := cmd.Wait(); err == nil {
			t.Errorf("round %d: helper exited cleanly; want it killed mid-loop", round)
		}
		cancel()
		if len(got) < killAfter {
			t.Fatalf("round %d: got %d acks; want at least %d", round, len(got), killAfter)
		}
		acks = append(acks, got...)
		assertPresent(t, dir, acks)
	}
}
