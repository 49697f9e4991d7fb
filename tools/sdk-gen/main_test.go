package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const fixture = "testdata/schema.json"

// tree maps every file under dir (slash paths) to its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(content)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestTheSameSchemaGivesTheSameFilesInAnotherFolder(t *testing.T) {
	a, b := t.TempDir(), filepath.Join(t.TempDir(), "nested", "out")
	for _, out := range []string{a, b} {
		if err := run(fixture, "1.2.3", out, []string{"python", "go"}); err != nil {
			t.Fatal(err)
		}
	}
	ta, tb := tree(t, a), tree(t, b)
	if !reflect.DeepEqual(ta, tb) {
		t.Fatal("two runs on one schema differ")
	}
	for name, content := range ta {
		if strings.Contains(content, a) {
			t.Errorf("%s names the output folder", name)
		}
	}
	// The version given is the one the SDKs ask the engine for.
	for _, name := range []string{
		"python/pulumi_materialize_connections/pulumi-plugin.json",
		"go/materializeconnections/pulumi-plugin.json",
	} {
		if !strings.Contains(ta[name], `"version": "1.2.3"`) {
			t.Errorf("%s: %s", name, ta[name])
		}
	}
	if !strings.HasPrefix(ta["go/go.mod"], "module example.com/pulumi-materialize-connections/sdk/go\n") {
		t.Errorf("go/go.mod: %s", ta["go/go.mod"])
	}
}

func TestALanguageFolderIsReplacedWholeAndTheOthersAreLeftAlone(t *testing.T) {
	out := t.TempDir()
	if err := run(fixture, "1.2.3", out, []string{"python", "go"}); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(out, "python", "pulumi_materialize_connections", "removed_resource.py")
	mine := filepath.Join(out, "README.md")
	for _, f := range []string{stale, mine} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goBefore := tree(t, filepath.Join(out, "go"))
	if err := run(fixture, "1.2.3", out, []string{"python"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a file the schema no longer generates survived")
	}
	if _, err := os.Stat(mine); err != nil {
		t.Error("a file beside the language folders was removed")
	}
	if !reflect.DeepEqual(goBefore, tree(t, filepath.Join(out, "go"))) {
		t.Error("generating python changed the go folder")
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a staging folder was left behind: %s", e.Name())
		}
	}
}

func TestBadInputIsRefusedBeforeAnythingIsWritten(t *testing.T) {
	raw, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	versioned := write("versioned.json", strings.Replace(string(raw), `"name": "materialize-connections",`,
		`"name": "materialize-connections", "version": "9.9.9",`, 1))
	external := write("external.json", strings.Replace(string(raw), `"#/types/materialize-connections:index:SslMode"`,
		`"/aws/v6.0.0/schema.json#/types/aws:index:Region"`, 1))
	cases := []struct {
		name, schema, version string
		langs                 []string
		says                  string
	}{
		{"no version", fixture, "", []string{"go"}, "-version"},
		{"two versions", versioned, "1.2.3", []string{"go"}, "the schema says version 9.9.9, -version says 1.2.3"},
		{"another package", external, "1.2.3", []string{"go"}, `references package "aws"`},
		{"unknown language", fixture, "1.2.3", []string{"go", "cobol"}, `unknown language "cobol"`},
	}
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "out")
		err := run(c.schema, c.version, out, c.langs)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: got %v, want an error saying %q", c.name, err, c.says)
		}
		if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
			t.Errorf("%s: the output folder was created", c.name)
		}
	}
}
