package extract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/selfcheck/selfcheck/usererr"
)

// Untrusted files are parsed in a child process, so that a file that
// defeats a parser's own limits (a loop in a library, memory it was not
// meant to take) costs one short-lived process and never the server: the
// child runs under CPU-time and memory limits it sets on itself before it
// reads a byte of the file (setrlimit), and the parent kills it at the
// wall-clock deadline. The child is the program itself (selfcheck
// extract --child); in tests, the test binary (see ChildEnv).
//
// The frames are small and binary: the request is "SCX1", a 4-byte
// big-endian length, a JSON childRequest, then the file's bytes to the
// end of stdin; the answer is "SCX1", a length and a JSON childAnswer, then
// a length and the text.

// ChildEnv, set in a child's environment, marks a process started by
// Sandbox: a test binary whose TestMain sees it runs ServeChild instead of
// the tests.
const ChildEnv = "SELFCHECK_EXTRACT_CHILD"

// Default child limits. 300 MB of memory holds a 20 MB file, the 128 MB
// that may be decompressed from it and the text, with room for the
// parsers; the CPU time equals the wall-clock timeout, so that a child
// busy on one core is stopped by whichever comes first.
const (
	DefaultChildMemory = 300 << 20
	childGrace         = 2 * time.Second // beyond cfg.Timeout before the kill
)

// Sandbox extracts text in a child process. Path and Args start a program
// whose entry point calls ServeChild (selfcheck extract --child); Env is
// added to the child's environment.
type Sandbox struct {
	Path string
	Args []string
	Env  []string
	// Memory bounds the child's data (RLIMIT_DATA, and the Go runtime's
	// memory limit below it); CPU its processor time (RLIMIT_CPU). Zero:
	// DefaultChildMemory, and the extraction's Timeout.
	Memory int64
	CPU    time.Duration
	// Observe, when set, is told how each child ran (for logs and
	// benchmarks: sizes and times, nothing of the file).
	Observe func(ChildRun)
}

// ChildRun is how one child ran.
type ChildRun struct {
	Wall, CPU time.Duration
	MaxRSS    int64 // bytes: the child's own peak (VmHWM) when it answered, else its rusage
	// Exited is true once the child is gone (it always is when Bytes
	// returns); Killed when it was stopped by a limit or the deadline.
	Exited, Killed bool
}

// childRequest is what the parent tells the child besides the file.
type childRequest struct {
	Config Config `json:"config"`
	Memory int64  `json:"memory"`
	CPU    int64  `json:"cpu_seconds"`
}

// childAnswer is the child's result, the text following it.
type childAnswer struct {
	Format Format `json:"format,omitempty"`
	Pages  int    `json:"pages,omitempty"`
	// Error is "user" (a user error: Code, Korean and English say what
	// to fix), "canceled" or "internal" (Reason says what failed).
	Error   string       `json:"error,omitempty"`
	Reason  string       `json:"reason,omitempty"`
	Code    usererr.Code `json:"code,omitempty"`
	Korean  string       `json:"korean,omitempty"`
	English string       `json:"english,omitempty"`
	// Peak is the child's peak memory, in bytes.
	Peak int64 `json:"peak,omitempty"`
}

const frameMagic = "SCX1"

// Exit statuses of the child besides 0.
const (
	childExitCPU     = 3 // the CPU limit was reached (SIGXCPU)
	childExitRequest = 4 // the request could not be read
)

// Bytes extracts the text of data as the package's Bytes does, in a child
// process. Plain text needs no parser and is decoded here.
func (s Sandbox) Bytes(ctx context.Context, data []byte, cfg Config) (Document, error) {
	cfg = cfg.withDefaults()
	if int64(len(data)) > cfg.MaxFileBytes || len(bytes.TrimSpace(data)) == 0 || Detect(data) == FormatText {
		return Bytes(ctx, data, cfg)
	}
	req := childRequest{Config: cfg, Memory: s.Memory, CPU: int64(s.CPU / time.Second)}
	if req.Memory <= 0 {
		req.Memory = DefaultChildMemory
	}
	if req.CPU <= 0 {
		req.CPU = int64(max(cfg.Timeout/time.Second, 1))
	}
	head, err := json.Marshal(req)
	if err != nil {
		return Document{}, fmt.Errorf("extract: child request: %w", err)
	}
	var frame bytes.Buffer
	frame.WriteString(frameMagic)
	binary.Write(&frame, binary.BigEndian, uint32(len(head)))
	frame.Write(head)

	wctx, cancel := context.WithTimeout(ctx, cfg.Timeout+childGrace)
	defer cancel()
	cmd := exec.CommandContext(wctx, s.Path, s.Args...)
	cmd.Env = append(childEnviron(), s.Env...)
	cmd.Stdin = io.MultiReader(&frame, bytes.NewReader(data))
	out := &cappedBuffer{max: cfg.MaxTextBytes + 1<<16}
	stderr := &cappedBuffer{max: 4 << 10, truncate: true}
	cmd.Stdout, cmd.Stderr = out, stderr
	cmd.WaitDelay = time.Second
	cmd.SysProcAttr = childProcAttr()
	start := time.Now()
	runErr := cmd.Run()
	if s.Observe != nil {
		r := runOf(cmd.ProcessState, time.Since(start))
		if p := answerPeak(out.b); p > 0 {
			r.MaxRSS = p
		}
		s.Observe(r)
	}
	switch {
	case ctx.Err() != nil:
		return Document{}, fmt.Errorf("extract: %w", ctx.Err()) // the caller gave up
	case wctx.Err() != nil:
		return Document{}, tookTooLong(cfg.Timeout)
	}
	if runErr != nil {
		var ee *exec.ExitError
		if !errors.As(runErr, &ee) {
			return Document{}, fmt.Errorf("extract: start child: %w", runErr)
		}
		return Document{}, childFailure(ee.ProcessState, stderr.b, cfg)
	}
	return readAnswer(out.b)
}

// childPassEnv are the only variables of the parent's environment a
// child sees: none of its secrets (tokens, keys, database URLs) reach the
// process that parses untrusted bytes.
var childPassEnv = []string{"PATH", "TMPDIR", "GOCOVERDIR", "GORACE", "GOTRACEBACK"}

func childEnviron() []string {
	var env []string
	for _, k := range childPassEnv {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// childFailure says why a child ended without an answer: a limit it
// reached is the file's doing; anything else is a failure of ours.
func childFailure(st *os.ProcessState, stderr []byte, cfg Config) error {
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return tookTooLong(cfg.Timeout) // the hard CPU limit (SIGKILL)
	}
	switch {
	case st.ExitCode() == childExitCPU:
		return tookTooLong(cfg.Timeout)
	case bytes.Contains(stderr, []byte("out of memory")), bytes.Contains(stderr, []byte("failed to allocate")): // the runtime's, or the race detector's
		return userError("파일을 읽는 데 메모리가 너무 많이 필요해 중단했습니다. 파일을 나누거나 다른 형식으로 저장해 보내 주세요.", "reading the file needs too much memory")
	}
	// The child's stderr is a Go trace of our own code (no file text):
	// its first line says what broke.
	line, _, _ := strings.Cut(strings.TrimSpace(string(stderr)), "\n")
	return fmt.Errorf("extract: child exited with status %d: %.200s", st.ExitCode(), line)
}

func runOf(st *os.ProcessState, wall time.Duration) ChildRun {
	if st == nil {
		return ChildRun{Wall: wall}
	}
	r := ChildRun{Wall: wall, CPU: st.UserTime() + st.SystemTime(), Exited: st.Exited() || st.ExitCode() == -1}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok {
		r.Killed = ws.Signaled()
	}
	r.MaxRSS = maxRSS(st)
	return r
}

func tookTooLong(d time.Duration) error {
	return userError(fmt.Sprintf("파일을 읽는 데 %s 넘게 걸려 중단했습니다. 파일을 나누거나 다른 형식으로 저장해 보내 주세요.", d), "extraction took too long")
}

// answerPeak is the peak memory a child's answer reports, or 0.
func answerPeak(b []byte) int64 {
	var a childAnswer
	head, err := readFrame(bytes.NewReader(b), 1<<20)
	if err != nil || json.Unmarshal(head, &a) != nil {
		return 0
	}
	return a.Peak
}

// readAnswer decodes the child's answer frame.
func readAnswer(b []byte) (Document, error) {
	r := bytes.NewReader(b)
	var a childAnswer
	head, err := readFrame(r, 1<<20)
	if err == nil {
		err = json.Unmarshal(head, &a)
	}
	if err != nil {
		return Document{}, fmt.Errorf("extract: child answer: %w", err)
	}
	switch a.Error {
	case "":
	case "user":
		return Document{}, usererr.New(a.Code, a.Korean, a.English)
	case "canceled":
		return Document{}, fmt.Errorf("extract: %w", context.Canceled)
	default:
		return Document{}, fmt.Errorf("extract: in the child: %s", a.Reason)
	}
	text, err := readFrame(r, int64(len(b)))
	if err != nil {
		return Document{}, fmt.Errorf("extract: child text: %w", err)
	}
	return Document{Format: a.Format, Pages: a.Pages, Text: string(text)}, nil
}

// readFrame reads a length-prefixed frame of at most max bytes; the first
// frame of a message also carries the magic.
func readFrame(r io.Reader, max int64) ([]byte, error) {
	var n uint32
	if max == 1<<20 {
		magic := make([]byte, len(frameMagic))
		if _, err := io.ReadFull(r, magic); err != nil || string(magic) != frameMagic {
			return nil, errors.New("no frame")
		}
	}
	if err := binary.Read(r, binary.BigEndian, &n); err != nil {
		return nil, err
	}
	if int64(n) > max {
		return nil, fmt.Errorf("frame of %d bytes", n)
	}
	b := make([]byte, n)
	_, err := io.ReadFull(r, b)
	return b, err
}

// ServeChild is the child's side of Sandbox: it reads one request from
// stdin, limits its own CPU time and memory, extracts the file and writes
// the answer to stdout. It returns the process's exit status.
func ServeChild(stdin io.Reader, stdout io.Writer) int {
	return serveChild(stdin, stdout, Bytes)
}

func serveChild(stdin io.Reader, stdout io.Writer, extract func(context.Context, []byte, Config) (Document, error)) int {
	in := bufio.NewReader(stdin)
	head, err := readFrame(in, 1<<20)
	var req childRequest
	if err == nil {
		err = json.Unmarshal(head, &req)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "selfcheck extract --child: bad request:", err)
		return childExitRequest
	}
	if err := limitSelf(req.Memory, req.CPU); err != nil {
		fmt.Fprintln(os.Stderr, "selfcheck extract --child: limits:", err)
		return childExitRequest
	}
	if req.Memory > 0 {
		// The collector works harder well before the hard limit.
		debug.SetMemoryLimit(req.Memory * 3 / 4)
	}
	cfg := req.Config.withDefaults()
	data, err := io.ReadAll(io.LimitReader(in, cfg.MaxFileBytes+1))
	var a childAnswer
	var doc Document
	if err == nil {
		doc, err = extract(context.Background(), data, cfg)
	}
	ue, isUser := usererr.As(err)
	switch {
	case err == nil:
		a = childAnswer{Format: doc.Format, Pages: doc.Pages}
	case isUser:
		a = childAnswer{Error: "user", Code: ue.Code, Korean: ue.Korean, English: ue.English}
	case errors.Is(err, context.Canceled):
		a = childAnswer{Error: "canceled"}
	default:
		a = childAnswer{Error: "internal", Reason: err.Error()}
	}
	a.Peak = peakRSS()
	w := bufio.NewWriter(stdout)
	b, _ := json.Marshal(a)
	w.WriteString(frameMagic)
	binary.Write(w, binary.BigEndian, uint32(len(b)))
	w.Write(b)
	binary.Write(w, binary.BigEndian, uint32(len(doc.Text)))
	w.WriteString(doc.Text)
	if err := w.Flush(); err != nil {
		return 1
	}
	return 0
}

// cappedBuffer collects a child's output up to max bytes: past it, it
// fails (stdout: the child is broken) or keeps the start (stderr).
type cappedBuffer struct {
	b        []byte
	max      int
	truncate bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if len(c.b)+len(p) > c.max {
		if !c.truncate {
			return 0, errors.New("child output over its limit")
		}
		c.b = append(c.b, p[:max(c.max-len(c.b), 0)]...)
		return len(p), nil
	}
	c.b = append(c.b, p...)
	return len(p), nil
}
