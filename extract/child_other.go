//go:build !linux

package extract

import (
	"os"
	"syscall"
)

// On systems other than Linux the child is bounded by the wall-clock
// deadline only.
func childProcAttr() *syscall.SysProcAttr { return nil }

func limitSelf(memory, cpuSeconds int64) error { return nil }

func maxRSS(*os.ProcessState) int64 { return 0 }

func peakRSS() int64 { return 0 }
