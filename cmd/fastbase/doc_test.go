package main

import (
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPackageDocsReadAsIntroductions runs `go doc` on every package of the
// module, as a reader would, and checks that each opens with a package
// introduction: "Package x …" (or "Command x …") and a paragraph of
// substance, before the list of exported names.
func TestPackageDocsReadAsIntroductions(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	list := exec.Command(gobin, "list", "-f", "{{.Name}} {{.ImportPath}}", "./...")
	list.Dir = "../.."
	out, err := list.Output()
	require.NoError(t, err)
	pkgs := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.GreaterOrEqual(t, len(pkgs), 6)
	for _, p := range pkgs {
		name, path, _ := strings.Cut(p, " ")
		doc := exec.Command(gobin, "doc", path)
		doc.Dir = "../.."
		text, err := doc.Output()
		require.NoError(t, err, path)
		intro := string(text)
		if name == "main" {
			elem := path[strings.LastIndexByte(path, '/')+1:]
			assert.True(t, strings.HasPrefix(intro, "Command "+elem+" "), "%s: go doc starts with %.60q", path, intro)
		} else {
			header := "package " + name + ` // import "` + path + "\"\n\n"
			require.True(t, strings.HasPrefix(intro, header), "%s: go doc starts with %.60q", path, intro)
			intro = intro[len(header):]
			assert.True(t, strings.HasPrefix(intro, "Package "+name+" "), "%s: doc comment starts with %.60q", path, intro)
		}
		para, _, _ := strings.Cut(intro, "\n\n")
		assert.GreaterOrEqual(t, len(para), 80, "%s: the introduction is one short line: %q", path, para)
	}
}

// TestReadmeListsEveryFlag keeps the README's table of flags complete.
func TestReadmeListsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	var c config
	newFlagSet(&c).VisitAll(func(f *flag.Flag) {
		if f.Name != "version" {
			assert.Contains(t, string(readme), "| `-"+f.Name, "README's flag table lacks -%s", f.Name)
		}
	})
}
