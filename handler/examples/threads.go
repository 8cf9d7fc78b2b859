package examples

import (
	"os"
	"strconv"
	"time"

	"github.com/fastbase/fastbase/handler"
)

// MaxThreadsSleep caps the sleep a [Threads] request may ask for.
const MaxThreadsSleep = 10 * time.Second

// pid is this process's ID as text; a prefork child is a new process, started
// with exec, so the value taken at start-up is its own.
var pid = strconv.Itoa(os.Getpid())

// Threads returns the seed's threading example: every GET is answered 200
// with one line naming what ran the request and in which process, such as
// "loop 0 pid 1234" or "worker 3 pid 1234" (see [handler.ConnInfo.Runner]);
// the seed printed its thread's name.
//
// The query parameter sleep ([handler.Request.QueryValue]), a duration as
// [time.ParseDuration] reads it ("/?sleep=100ms"), makes the request sleep
// before answering, for at most [MaxThreadsSleep]: it stands for a handler
// that blocks, so that the seed's lesson can be seen from the command line.
// Sleeping requests on one event loop run one after another; on workers
// they run side by side. A value that does not parse, or is negative, is
// answered 400.
func Threads() *handler.Handler {
	return handler.New().Handle("GET", threads)
}

func threads(r *handler.Request) {
	if v, ok := r.QueryValue("sleep"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			r.SendError(400, "Bad sleep duration", "sleep takes a duration such as 100ms or 2s")
			return
		}
		time.Sleep(min(d, MaxThreadsSleep))
	}
	r.SendResponse(200, "")
	r.EndHeaders()
	r.WriteString(r.Runner())
	r.WriteString(" pid ")
	r.WriteString(pid)
	r.WriteString("\n")
}
