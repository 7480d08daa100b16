// sdkgen writes the Python, Go and Node.js SDKs of the rackspace provider plugin from
// schema.json, offline, with Pulumi's own generators (github.com/pulumi/pulumi/pkg/v3/codegen).
//
//	sdkgen -schema schema.json -out sdk
//
// writes <out>/python, <out>/go and <out>/nodejs, each emptied first so a file the schema no
// longer produces disappears. The schema is bound with a loader that refuses every other
// package: the SDKs depend on nothing but Pulumi's SDKs. A binding warning fails like an error
// (fix it in src/faces/plugin/schema.ts, then `npm run schema`).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool is the name the generated files' headers give as their author.
const tool = "pulumi-rackspace-ticketing's scripts/sdkgen"

// noPackages refuses every package: the schema may reference none but its own.
type noPackages struct{}

func refuse(name string) error {
	return fmt.Errorf("schema.json references the package %q: the rackspace SDKs may depend on no other package", name)
}

func (noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, refuse(pkg)
}

func (noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, refuse(d.Name)
}

func (noPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, refuse(pkg)
}

func (noPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, refuse(d.Name)
}

// bind reads and binds the schema; each generator gets a package of its own (they record
// their language's settings in it).
func bind(path string) (*schema.Package, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("binding %s: %w", path, err)
	}
	if len(diags) > 0 {
		lines := make([]string, 0, len(diags))
		for _, d := range diags {
			lines = append(lines, "  "+d.Error())
		}
		return nil, fmt.Errorf("binding %s reported %d problem(s) (fix src/faces/plugin/schema.ts, then npm run schema):\n%s", path, len(diags), strings.Join(lines, "\n"))
	}
	return pkg, nil
}

var generators = map[string]func(pkg *schema.Package) (map[string][]byte, error){
	"python": func(pkg *schema.Package) (map[string][]byte, error) {
		files, err := python.GeneratePackage(tool, pkg, nil, noPackages{})
		if err != nil {
			return nil, err
		}
		// pyproject.toml names README.md beside it; the generator writes one only inside the package.
		for name, content := range files {
			if dir, base := path.Split(name); base == "README.md" && dir != "" && strings.Count(dir, "/") == 1 {
				files["README.md"] = content
			}
		}
		return files, nil
	},
	"go": func(pkg *schema.Package) (map[string][]byte, error) {
		return gogen.GeneratePackage(tool, pkg, nil)
	},
	"nodejs": func(pkg *schema.Package) (map[string][]byte, error) {
		// A local SDK (as `pulumi package add` makes one): `npm install <checkout>/sdk/nodejs`
		// compiles it in its postinstall script, and its main is bin/index.js.
		return nodejs.GeneratePackage(tool, pkg, nil, nil, true, noPackages{})
	},
}

// write empties dir, then writes files into it (paths are the generator's, slash-separated).
func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if rel, err := filepath.Rel(dir, p); err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("a generator wrote outside %s: %s", dir, name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func run() error {
	schemaPath := flag.String("schema", "schema.json", "the package schema to generate from")
	out := flag.String("out", "sdk", "the directory that receives python/, go/ and nodejs/")
	only := flag.String("languages", "python,go,nodejs", "comma-separated languages to generate")
	flag.Parse()
	if flag.NArg() > 0 {
		return errors.New("unexpected arguments: " + strings.Join(flag.Args(), " "))
	}
	for _, lang := range strings.Split(*only, ",") {
		gen, ok := generators[lang]
		if !ok {
			return fmt.Errorf("unknown language %q (python, go, nodejs)", lang)
		}
		pkg, err := bind(*schemaPath)
		if err != nil {
			return err
		}
		files, err := gen(pkg)
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", lang, err)
		}
		dir := filepath.Join(*out, lang)
		if err := write(dir, files); err != nil {
			return fmt.Errorf("writing the %s SDK: %w", lang, err)
		}
		fmt.Fprintf(os.Stderr, "sdkgen: wrote %d files to %s\n", len(files), dir)
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen: error:", err)
		os.Exit(1)
	}
}
