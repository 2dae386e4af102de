package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
)

// inNetns runs fn on an OS thread that has joined the named network namespace (/run/netns/NAME).
// Sockets created by fn stay in that namespace for their whole life, whichever thread uses them
// later. The thread returns to the process's own namespace afterwards; if it cannot, it is not
// handed back to the Go scheduler (the goroutine exits locked, so the runtime ends the thread).
func inNetns(name string, fn func() error) error {
	target, err := os.Open("/run/netns/" + name)
	if err != nil {
		return fmt.Errorf("netns %s: %w", name, err)
	}
	defer target.Close()
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid()))
		if err != nil {
			runtime.UnlockOSThread()
			done <- err
			return
		}
		defer self.Close()
		if err := setns(target.Fd()); err != nil {
			runtime.UnlockOSThread()
			done <- fmt.Errorf("setns %s: %w", name, err)
			return
		}
		ferr := fn()
		if err := setns(self.Fd()); err != nil {
			done <- fmt.Errorf("cannot return from netns %s: %w", name, err)
			return // stays locked: the runtime discards this thread
		}
		runtime.UnlockOSThread()
		done <- ferr
	}()
	return <-done
}

// setns(2) numbers (the syscall package does not name it).
var sysSetns = map[string]uintptr{"amd64": 308, "arm64": 268, "386": 346, "arm": 375, "riscv64": 268, "ppc64le": 350, "s390x": 339}

func setns(fd uintptr) error {
	nr, ok := sysSetns[runtime.GOARCH]
	if !ok {
		return fmt.Errorf("setns: unknown syscall number on %s", runtime.GOARCH)
	}
	if _, _, e := syscall.RawSyscall(nr, fd, syscall.CLONE_NEWNET, 0); e != 0 {
		return e
	}
	return nil
}
