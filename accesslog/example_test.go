package accesslog_test

import (
	"fmt"
	"os"

	"github.com/fastbase/fastbase/accesslog"
)

// A Writer is what an engine.Server's AccessLog field gets: the event loops
// hand it lines and go on; its goroutine writes them out. Close flushes.
func ExampleNew() {
	w := accesslog.New(os.Stdout, accesslog.Options{})
	// engine.Server{…, AccessLog: w} writes lines like these:
	_, _ = w.Write([]byte("127.0.0.1 - - [25/Nov/2026 09:05:43] \"GET / HTTP/1.1\" 200 13\n"))
	_, _ = w.Write([]byte("127.0.0.1 - - [25/Nov/2026 09:05:43] \"GET /x HTTP/1.1\" 200 13\n"))
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Println("dropped:", w.Dropped())
	// Output:
	// 127.0.0.1 - - [25/Nov/2026 09:05:43] "GET / HTTP/1.1" 200 13
	// 127.0.0.1 - - [25/Nov/2026 09:05:43] "GET /x HTTP/1.1" 200 13
	// dropped: 0
}
