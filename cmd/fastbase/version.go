package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is the release of fastbase; a build may set it with
// -ldflags "-X main.version=1.2.3". A module version recorded by
// `go install …@v1.2.3` takes precedence.
var version = "0.1-dev"

// commit is the VCS revision when the build did not record one (go run,
// -buildvcs=false); set it with -ldflags "-X main.commit=$(git rev-parse HEAD)".
var commit = ""

// printVersion writes the version, the Go version and the VCS commit.
func printVersion(w io.Writer) {
	v, rev, modified := version, commit, false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
			v = mv
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	switch {
	case rev == "":
		rev = "unknown (built without VCS information)"
	case modified:
		rev += " (modified)"
	}
	fmt.Fprintf(w, "fastbase %s\n%s %s/%s\ncommit %s\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH, rev)
}
