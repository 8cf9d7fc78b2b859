//go:build !linux || poll_opt

package engine

import "github.com/panjf2000/gnet/v2"

// Outside Linux, and with gnet's poll_opt tag, there is no alarm
// connection: the driver alone runs the wheels (see waker_linux.go).

type alarm struct{}

type loopWaker struct{ fd int }

func (s *Server) enrollAlarms(*gnet.Client, int) {}

func (*alarm) open(*Server, gnet.Conn) gnet.Action { return gnet.Close }
func (*alarm) ring(gnet.Conn, int64)               {}
func (*alarm) closed()                             {}

func (*loopWaker) set(int64)   {}
func (*loopWaker) armed() bool { return false }
