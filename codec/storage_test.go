package codec

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStorageError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{&os.PathError{Op: "write", Path: "/tmp/x", Err: syscall.ENOSPC}, 507},
		{fmt.Errorf("spool: %w", syscall.EDQUOT), 507},
		{&os.PathError{Op: "open", Path: "/tmp/x", Err: syscall.EMFILE}, 503},
		{syscall.ENFILE, 503},
		{errors.New("short write"), 503},
	} {
		e := StorageError(tc.err)
		assert.Equal(t, tc.want, e.Status, "%v", tc.err)
		assert.NotEqual(t, 400, e.Status)
	}
}
