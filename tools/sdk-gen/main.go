// sdk-gen writes the Python, Go and .NET SDKs of the native provider from its Pulumi package schema, with
// the code generators of github.com/pulumi/pulumi/pkg/v3 at the version go.mod pins (`npm run sdk:gen`).
//
//	go run . -schema ../../schema/schema.json -version 0.3.0 -out ../../sdk-gen [-lang python,go]
//
// -version is the plugin's version (the npm package's): each SDK's pulumi-plugin.json names it, so a program
// asks the engine for exactly the plugin it was generated against. The SDKs are generated in pack mode
// (meta.supportPack): the Go SDK gets its go.mod.
//
// Each language's folder is replaced whole, so a resource or type removed from the schema leaves no stale
// file behind. The output is a function of the schema and the pinned generators only: no timestamps, no
// absolute paths, no environment.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool names the generator in the header of every generated file.
const tool = "pulumi-materialize-connections sdk-gen"

type generator func(pkg *schema.Package) (map[string][]byte, error)

var generators = map[string]generator{
	"python": func(pkg *schema.Package) (map[string][]byte, error) {
		return python.GeneratePackage(tool, pkg, nil, selfContained{})
	},
	"go": func(pkg *schema.Package) (map[string][]byte, error) {
		return gogen.GeneratePackage(tool, pkg, nil)
	},
}

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON)")
	version := flag.String("version", "", "the provider plugin's version (semver)")
	out := flag.String("out", "", "the folder that receives one sub-folder per language")
	langs := flag.String("lang", "python,go", "comma-separated languages: "+strings.Join(languages(), ", "))
	flag.Parse()
	if err := run(*schemaPath, *version, *out, strings.Split(*langs, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "sdk-gen:", err)
		os.Exit(1)
	}
}

func languages() []string {
	names := make([]string, 0, len(generators))
	for name := range generators {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func run(schemaPath, version, out string, langs []string) error {
	if schemaPath == "" || version == "" || out == "" {
		return errors.New("-schema, -version and -out are required")
	}
	for _, lang := range langs {
		if generators[lang] == nil {
			return fmt.Errorf("unknown language %q (known: %s)", lang, strings.Join(languages(), ", "))
		}
	}
	for _, lang := range langs {
		// Each generator decorates the package with its language's settings, so each gets a fresh bind.
		pkg, err := load(schemaPath, version)
		if err != nil {
			return err
		}
		files, err := generators[lang](pkg)
		if err != nil {
			return fmt.Errorf("%s: %w", lang, err)
		}
		if err := write(filepath.Join(out, lang), files); err != nil {
			return fmt.Errorf("%s: %w", lang, err)
		}
	}
	return nil
}

// load binds the schema with full validation: a schema the generators would misread fails here, naming
// the property at fault.
func load(path, version string) (*schema.Package, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if spec.Version != "" && spec.Version != version {
		return nil, fmt.Errorf("%s: the schema says version %s, -version says %s", path, spec.Version, version)
	}
	spec.Version = version
	if spec.Meta == nil {
		spec.Meta = &schema.MetadataSpec{}
	}
	spec.Meta.SupportPack = true
	pkg, diags, err := schema.BindSpec(spec, selfContained{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", path, diags.Error())
	}
	return pkg, nil
}

// write replaces dir with exactly files. The new tree is built beside dir and swapped in, so an
// interrupted run leaves the previous SDK whole.
func write(dir string, files map[string][]byte) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	for name, content := range files {
		target := filepath.Join(stage, filepath.FromSlash(name))
		if !strings.HasPrefix(target, stage+string(filepath.Separator)) {
			return fmt.Errorf("generated file %q lands outside the output folder", name)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return err
		}
	}
	old := dir + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(stage, dir); err != nil {
		return err
	}
	return os.RemoveAll(old)
}

// selfContained is the loader for a schema that references no other package: the SDKs must not depend on
// a provider plugin this machine would have to download, so a reference to one is an error.
type selfContained struct{}

func (selfContained) refuse(name string) error {
	return fmt.Errorf("the schema references package %q; it must be self-contained", name)
}

func (l selfContained) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(name)
}

func (l selfContained) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l selfContained) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(name)
}

func (l selfContained) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}
