package seedref

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTranscriptParts(t *testing.T) {
	out := Output("get_brew.txt")
	require.True(t, strings.HasPrefix(out, "HTTP/1.0 501 Unsupported method ('BREW')\r\n"), out)
	assert.NotContains(t, out, stderrMarker)
	body := Body("get_brew.txt")
	assert.True(t, strings.HasPrefix(body, "<!DOCTYPE HTML>"), body)
	assert.True(t, strings.HasSuffix(out, body))
	log := ServerLog("get_brew.txt")
	require.NotEmpty(t, log)
	assert.Contains(t, strings.Join(log, "\n"), `"BREW / HTTP/1.1" 501`)
}

func TestPostTranscriptsUploadUploadSize(t *testing.T) {
	assert.Contains(t, Output("post.txt"), "Uploaded datafile (1400 bytes)")
	assert.Len(t, Upload(), UploadSize)
	assert.Equal(t, Upload(), Upload())
}

func TestMissingTranscriptPanics(t *testing.T) {
	assert.Panics(t, func() { Transcript("no_such.txt") })
}
