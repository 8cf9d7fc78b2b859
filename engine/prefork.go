package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// PreforkEnv is the environment variable that marks a process started by
// [Prefork.Run]; its value is the child's number, from 1.
const PreforkEnv = "FASTBASE_PREFORK_CHILD"

// IsPreforkChild reports whether this process is a child started by
// [Prefork.Run]. A [Server] in such a process listens with SO_REUSEPORT
// whatever its ReusePort field says, so that its siblings can listen on the
// same address.
func IsPreforkChild() bool { return os.Getenv(PreforkEnv) != "" }

// Prefork settings that are not fields.
const (
	// preforkQuickExit is how long a child must have run for its exit to be
	// taken as a death rather than a failure to start.
	preforkQuickExit = time.Second
	// preforkMaxQuickExits is how many failures to start in a row, in one
	// child slot, make the parent give up: a child that cannot listen would
	// otherwise be restarted for ever.
	preforkMaxQuickExits = 5
	// preforkKillGrace is how long past ShutdownTimeout the parent waits for
	// its children before it kills them.
	preforkKillGrace = 2 * time.Second
)

// Prefork is fastbase's ForkingMixIn: a parent process that runs Procs
// copies of this program, each serving on its own event loops and
// listening on the same address with SO_REUSEPORT, so that the kernel
// spreads new connections over them.
//
// A command calls Run when it is asked for more than one process and is
// not itself a child ([IsPreforkChild]); a child goes on to serve as the
// command would on its own:
//
//	if *procs > 1 && !engine.IsPreforkChild() {
//		err := (&engine.Prefork{Procs: *procs, ShutdownTimeout: *timeout}).Run(ctx)
//		...
//	}
//
// Children are told apart from the parent by the [PreforkEnv] environment
// variable. Their address must have a fixed port: with port 0 every child
// would pick its own.
type Prefork struct {
	// Procs is the number of child processes; at least 1.
	Procs int
	// Args is the command line of each child, program first; nil means
	// os.Args, this program run again as it was started.
	Args []string
	// ShutdownTimeout is the children's graceful-shutdown bound: once it
	// and a short grace have passed after the first signal, children still
	// running are killed. Zero means [DefaultShutdownTimeout].
	ShutdownTimeout time.Duration
	// Logger receives the supervisor's events (a child died, a restart);
	// nil means slog.Default().
	Logger *slog.Logger
	// Stdout and Stderr are the children's; nil means this process's.
	Stdout, Stderr io.Writer
}

// child is one running child process and its slot.
type child struct {
	slot    int
	cmd     *exec.Cmd
	started time.Time
}

// childExit is a child that has exited, and how.
type childExit struct {
	c   *child
	err error
}

// Run starts the children and supervises them until they have all exited:
// a child that dies is replaced at once; SIGINT and SIGTERM are forwarded to
// every child (a second one makes them stop at once, see
// [Server.ListenAndServeSignals]), and a cancelled ctx counts as SIGTERM.
// After the first signal dead children are not replaced, and those still
// running past ShutdownTimeout are killed.
//
// Run returns nil when every child exited cleanly after a signal, and an
// error when a child could not be started, kept failing as soon as it
// started, or exited with an error during the shutdown.
func (p *Prefork) Run(ctx context.Context) error {
	if p.Procs < 1 {
		return errors.New("engine: Prefork.Procs must be at least 1")
	}
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	exits := make(chan childExit, p.Procs)
	running := make(map[*child]struct{}, p.Procs)
	quickExits := make([]int, p.Procs)
	var failure error
	stopping := false
	var kill <-chan time.Time

	// beginStop forwards sig and stops restarting children.
	beginStop := func(sig os.Signal) {
		for c := range running {
			_ = c.cmd.Process.Signal(sig)
		}
		if !stopping {
			stopping = true
			kill = time.After(orDefault(p.ShutdownTimeout, DefaultShutdownTimeout) + preforkKillGrace)
		}
	}
	for slot := range p.Procs {
		c, err := p.start(slot, exits)
		if err != nil {
			beginStop(syscall.SIGKILL)
			failure = err
			break
		}
		running[c] = struct{}{}
	}

	done := ctx.Done()
	for len(running) > 0 {
		select {
		case e := <-exits:
			delete(running, e.c)
			if stopping {
				if e.err != nil && failure == nil {
					failure = fmt.Errorf("engine: prefork child %d (pid %d): %w", e.c.slot+1, e.c.cmd.Process.Pid, e.err)
				}
				continue
			}
			if err := p.replace(e, quickExits, running, exits); err != nil {
				failure = err
				beginStop(syscall.SIGTERM)
			}
		case sig := <-signals:
			beginStop(sig)
		case <-done:
			done = nil
			beginStop(syscall.SIGTERM)
		case <-kill:
			for c := range running {
				_ = c.cmd.Process.Kill()
			}
		}
	}
	return failure
}

// replace starts a new child in the slot of one that died, unless that slot
// keeps failing as soon as it starts.
func (p *Prefork) replace(e childExit, quickExits []int, running map[*child]struct{}, exits chan childExit) error {
	slot := e.c.slot
	if time.Since(e.c.started) < preforkQuickExit {
		quickExits[slot]++
	} else {
		quickExits[slot] = 0
	}
	if quickExits[slot] >= preforkMaxQuickExits {
		return fmt.Errorf("engine: prefork child %d exited %d times right after starting, last: %v", slot+1, quickExits[slot], e.err)
	}
	c, err := p.start(slot, exits)
	if err != nil {
		return err
	}
	p.logger().Warn("prefork: child died; replaced", "child", slot+1, "pid", e.c.cmd.Process.Pid, "status", exitStatus(e.err), "new_pid", c.cmd.Process.Pid)
	running[c] = struct{}{}
	return nil
}

// start runs the child of slot and reports its exit on exits.
func (p *Prefork) start(slot int, exits chan<- childExit) (*child, error) {
	args := p.Args
	if args == nil {
		args = os.Args
	}
	path := args[0]
	if p.Args == nil {
		// This program itself, even if it was started through a relative
		// path or PATH and the working directory has changed since.
		if exe, err := os.Executable(); err == nil {
			path = exe
		}
	}
	cmd := exec.Command(path, args[1:]...)
	cmd.Env = append(os.Environ(), PreforkEnv+"="+strconv.Itoa(slot+1))
	cmd.Stdout, cmd.Stderr = orStd(p.Stdout, os.Stdout), orStd(p.Stderr, os.Stderr)
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("engine: prefork child %d: %w", slot+1, err)
	}
	c := &child{slot: slot, cmd: cmd, started: time.Now()}
	go func() { exits <- childExit{c, cmd.Wait()} }()
	return c, nil
}

func (p *Prefork) logger() *slog.Logger {
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
}

func orStd(w io.Writer, std *os.File) io.Writer {
	if w != nil {
		return w
	}
	return std
}

// exitStatus describes how a child ended, for the log.
func exitStatus(err error) string {
	if err == nil {
		return "exit 0"
	}
	return err.Error()
}
