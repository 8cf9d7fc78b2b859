package codec

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLookupMethod(t *testing.T) {
	for m := range Method(MethodOther) {
		assert.Equal(t, m, LookupMethod([]byte(m.String())), m.String())
	}
	for _, other := range []string{"", "get", "BREW", "GETS", "other", "PROPFIND"} {
		assert.Equal(t, MethodOther, LookupMethod([]byte(other)), other)
	}
	assert.Equal(t, "other", MethodOther.String())
	assert.Equal(t, "other", Method(200).String())
}

func TestSafeMethods(t *testing.T) {
	var safe []string
	for m := range Method(MethodCount) {
		if m.Safe() {
			safe = append(safe, m.String())
		}
	}
	assert.Equal(t, []string{"GET", "HEAD", "OPTIONS", "TRACE"}, safe)
}
