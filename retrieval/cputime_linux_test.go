package retrieval

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPU is the CPU time the calling OS thread has used (Linux's
// CLOCK_THREAD_CPUTIME_ID). On a machine shared with other work it times a
// stretch of code without the time spent waiting for a core; the caller
// locks its goroutine to the thread.
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}
