package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fastbase/fastbase/handler/httpbin"
)

// The flag.Value types below check their range when they are set, so that
// an invalid value, from the command line or the environment, is refused
// with the flag's name and what it accepts.

// intValue is an integer flag within [min, max].
type intValue struct {
	p        *int
	min, max int
}

func (v intValue) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.Itoa(*v.p)
}

func (v intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < v.min || n > v.max {
		return fmt.Errorf("want an integer from %d to %d", v.min, v.max)
	}
	*v.p = n
	return nil
}

// sizeValue is a byte count within [min, max], written as a plain number
// or with a binary suffix: 64KiB, 1MiB, 2GiB (K, M, G also mean 1024ⁿ).
type sizeValue struct {
	p        *int64
	min, max int64
}

func (v sizeValue) String() string {
	if v.p == nil {
		return ""
	}
	return formatSize(*v.p)
}

func (v sizeValue) Set(s string) error {
	n, ok := parseSize(s)
	if !ok || n < v.min || n > v.max {
		return fmt.Errorf("want a size from %s to %s, in bytes or with a suffix KiB, MiB, GiB", formatSize(v.min), formatSize(v.max))
	}
	*v.p = n
	return nil
}

var sizeUnits = []struct {
	suffix string
	shift  uint
}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"G", 30}, {"M", 20}, {"K", 10}, {"B", 0}}

func parseSize(s string) (int64, bool) {
	shift := uint(0)
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			s, shift = num, u.shift
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, false
	}
	return n << shift, true
}

// formatSize writes n with the largest binary suffix that divides it.
func formatSize(n int64) string {
	for _, u := range sizeUnits[:3] {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// durationValue is a time.Duration flag within [min, max].
type durationValue struct {
	p        *time.Duration
	min, max time.Duration
}

func (v durationValue) String() string {
	if v.p == nil {
		return ""
	}
	return v.p.String()
}

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < v.min || d > v.max {
		return fmt.Errorf("want a duration from %v to %v, such as 500ms, 10s or 2m", v.min, v.max)
	}
	*v.p = d
	return nil
}

// choiceValue is a string flag that must be one of choices.
type choiceValue struct {
	p       *string
	choices []string
}

func (v choiceValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v choiceValue) Set(s string) error {
	for _, c := range v.choices {
		if s == c {
			*v.p = s
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(v.choices, ", "))
}

// optionalDuration is a durationValue that also takes 0, for off.
type optionalDuration struct{ durationValue }

func (v optionalDuration) Set(s string) error {
	if d, err := time.ParseDuration(s); err == nil && d == 0 {
		*v.p = 0
		return nil
	}
	if err := v.durationValue.Set(s); err != nil {
		return fmt.Errorf("want 0 (off) or a duration from %v to %v, such as 1s", v.min, v.max)
	}
	return nil
}

// echoDefaultValue is a query string of httpbin echo parameters, checked
// as the echo would check it.
type echoDefaultValue struct{ p *string }

func (v echoDefaultValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v echoDefaultValue) Set(s string) error {
	if err := httpbin.CheckEchoQuery(s); err != nil {
		return err
	}
	*v.p = s
	return nil
}
