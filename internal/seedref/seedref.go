// Package seedref gives tests the transcripts that fastbase's behaviour is
// checked against: Python 3.11's http.server running the four examples the
// project grew from (GET echo, threading, POST form echo, always-404),
// driven by curl and by raw requests. They are embedded, so every test that
// compares with them runs the same in any checkout.
//
// A transcript's first line is "$ " and the command that was run; then comes
// the command's output byte for byte (header lines keep their CRLF); the last
// section, after "--- server stderr during the command(s) above ---", is
// what the server wrote to stderr. Files named *_server.txt hold a server's
// start command and start-up output.
//
// The package is for tests only; nothing in the server imports it.
package seedref

import (
	"embed"
	"strings"
)

//go:embed transcripts/*.txt
var transcripts embed.FS

// stderrMarker starts a transcript's server-stderr section.
const stderrMarker = "--- server stderr during the command(s) above ---"

// Transcript returns the transcript named name (such as "get_brew.txt")
// whole. It panics if there is no such transcript: the name is a test's
// constant, and a wrong one is a bug in that test.
func Transcript(name string) string {
	b, err := transcripts.ReadFile("transcripts/" + name)
	if err != nil {
		panic("seedref: " + err.Error())
	}
	return string(b)
}

// Output returns what the transcript's command printed: everything between
// the command line and the server-stderr section.
func Output(name string) string {
	s := Transcript(name)
	s = s[strings.IndexByte(s, '\n')+1:]
	if i := strings.Index(s, stderrMarker); i >= 0 {
		s = s[:i]
	}
	return s
}

// Body returns the body of the response in the transcript's output: what
// follows the first blank line that ends a header block. An output without
// a header block (an HTTP/0.9 answer) is all body.
func Body(name string) string {
	s := Output(name)
	if i := strings.Index(s, "\r\n\r\n"); i >= 0 {
		s = s[i+4:]
	}
	return s
}

// ServerLog returns the lines the server wrote to stderr during the
// transcript's commands.
func ServerLog(name string) []string {
	s := Transcript(name)
	i := strings.Index(s, stderrMarker)
	if i < 0 {
		return nil
	}
	s = strings.TrimPrefix(s[i+len(stderrMarker):], "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// UploadSize is the size of the file the POST transcripts upload
// (examples/get_handler.py of the seed: "Uploaded datafile (1400 bytes)").
const UploadSize = 1400

// Upload returns a file of UploadSize bytes to post where the transcripts
// posted the seed's get_handler.py. Only its size shows in the answers, so
// it is not that file but Python-looking lines of the same length, the same
// on every call.
func Upload() []byte {
	const line = "# get_handler.py is uploaded by the POST transcripts.\n"
	return []byte(strings.Repeat(line, UploadSize/len(line)+1)[:UploadSize])
}
