//go:build !linux

package engine

import "errors"

// stopAccepting is only implemented on Linux; elsewhere connections
// accepted during a shutdown are served like the others, their responses
// marked "Connection: close", and idle ones are closed by their loops.
func (s *Server) stopAccepting() error {
	return errors.New("not supported on this system")
}
