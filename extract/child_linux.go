package extract

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

// childProcAttr makes the child die with its parent.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// limitSelf bounds this process's CPU time and memory. RLIMIT_AS cannot
// be used: the Go runtime reserves far more address space than it uses
// (a Go program under a 300 MB RLIMIT_AS cannot even start its first
// allocations), while RLIMIT_DATA counts only the private writable
// memory it actually maps. The limit counts what the process already
// has, except in a race-detector build, which maps terabytes of shadow
// at start: there it is set above that. Past the soft CPU limit the kernel sends SIGXCPU and the child
// exits with childExitCPU; a second later, SIGKILL.
func limitSelf(memory, cpuSeconds int64) error {
	if cpuSeconds > 0 {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGXCPU)
		go func() {
			<-c
			os.Exit(childExitCPU)
		}()
		if err := syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: uint64(cpuSeconds), Max: uint64(cpuSeconds + 1)}); err != nil {
			return fmt.Errorf("RLIMIT_CPU: %w", err)
		}
	}
	if memory > 0 {
		lim := uint64(memory)
		if v := vmData(); v > memory/2 {
			lim = uint64(v + memory) // a race-detector build
		}
		if err := syscall.Setrlimit(syscall.RLIMIT_DATA, &syscall.Rlimit{Cur: lim, Max: lim}); err != nil {
			return fmt.Errorf("RLIMIT_DATA: %w", err)
		}
	}
	return nil
}

// vmData is the data the process has mapped so far (VmData).
func vmData() int64 { return procStatus("VmData:") }

// peakRSS is the most memory the process has held (VmHWM). Unlike the
// rusage the parent gets, it does not count the parent's memory that a
// vfork-style start shared before the exec.
func peakRSS() int64 { return procStatus("VmHWM:") }

// procStatus reads a kB field of /proc/self/status, in bytes.
func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte(field)); ok {
			kb, _ := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func maxRSS(st *os.ProcessState) int64 {
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10 // kilobytes on Linux
	}
	return 0
}
