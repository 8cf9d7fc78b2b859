package codec

import (
	"errors"
	"syscall"
)

// StorageError returns the answer to a request whose body (or a part of
// it) the server could not store in a temporary file: 507 Insufficient
// Storage when the file system is full or over quota (ENOSPC, EDQUOT), 503
// Service Unavailable for any other failure, such as running out of
// descriptors (EMFILE, ENFILE) or an I/O error. Either way the fault is the
// server's: the request is never reported as malformed.
func StorageError(err error) *Error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return &Error{Status: 507, Message: "Insufficient Storage",
			Explain: "The server has no room to store the request body."}
	}
	return &Error{Status: 503, Message: "Service Unavailable",
		Explain: "The server could not store the request body; try again later."}
}
