// Command pulumi-language-nodejs is a small Node.js language host for the
// Pulumi CLI, written for this project.
//
// Why it exists: the upstream language host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) which
// the Go module proxy reachable from our machines does not serve, and the
// Pulumi release tarballs that normally ship it cannot be downloaded here.
// The CLI itself (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) is served, so
// scripts/ensure-pulumi.sh builds the CLI plus this host.
//
// The host implements the LanguageRuntime gRPC protocol from
// github.com/pulumi/pulumi/sdk/v3/proto/go. Running a program means starting
// `node <@pulumi/pulumi/cmd/run> --monitor ... <entry point>` from the
// program directory; the Node SDK (@pulumi/pulumi) does the rest and talks
// to the engine's resource monitor directly. Supported Pulumi.yaml runtime
// options: typescript (default true), tsconfig, nodeargs, packagemanager.
// Not supported: code generation, `pulumi new` templates, Node.js-based
// plugins run through RunPlugin, and the legacy synchronous-invoke pipes
// (not used by current @pulumi/pulumi releases).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// runModule is the Node SDK's program runner; PULUMI_LANGUAGE_NODEJS_RUN_PATH
// overrides it (same variable name as the upstream host).
const runModule = "@pulumi/pulumi/cmd/run"

// exitCodeAlreadyReported is the exit code @pulumi/pulumi's runner uses after
// it has already shown the user an actionable error message.
const exitCodeAlreadyReported = 32

func main() {
	// The engine may pass --logtostderr, -v=N and --tracing URL before the
	// engine address; accept and ignore the logging ones.
	// (A private FlagSet: the SDK's logging package registers glog's flags on
	// the global one.)
	flags := flag.NewFlagSet("pulumi-language-nodejs", flag.ExitOnError)
	flags.Bool("logtostderr", false, "log to stderr (ignored)")
	flags.Int("v", 0, "log verbosity (ignored)")
	tracing := flags.String("tracing", "", "Zipkin-compatible tracing endpoint, forwarded to the Node runner")
	flags.String("root", "", "project root (ignored; taken from each request)")
	_ = flags.Parse(os.Args[1:])

	host := &nodeHost{tracing: *tracing}
	if args := flags.Args(); len(args) > 0 {
		host.engineAddress = args[len(args)-1]
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start RPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)

	if host.engineAddress != "" {
		ctx, cancel := context.WithCancel(context.Background())
		// Exit when the engine goes away.
		go func() {
			_ = rpcutil.Healthcheck(ctx, host.engineAddress, 5*time.Minute, cancel)
			<-ctx.Done()
			os.Exit(0)
		}()
	}

	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: RPC server stopped: %v\n", err)
		os.Exit(1)
	}
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string
}

// runtimeOptions are the `runtime.options` of a nodejs Pulumi.yaml.
type runtimeOptions struct {
	typescript     bool
	tsconfig       string
	nodeargs       string
	packagemanager npm.PackageManagerType
}

func parseOptions(info *pulumirpc.ProgramInfo) (runtimeOptions, error) {
	opts := runtimeOptions{typescript: true, packagemanager: npm.AutoPackageManager}
	if info == nil || info.GetOptions() == nil {
		return opts, nil
	}
	for k, v := range info.GetOptions().AsMap() {
		switch k {
		case "typescript":
			b, ok := v.(bool)
			if !ok {
				return opts, fmt.Errorf("typescript option must be a boolean, got %T", v)
			}
			opts.typescript = b
		case "tsconfig":
			s, ok := v.(string)
			if !ok {
				return opts, fmt.Errorf("tsconfig option must be a string, got %T", v)
			}
			opts.tsconfig = s
		case "nodeargs":
			s, ok := v.(string)
			if !ok {
				return opts, fmt.Errorf("nodeargs option must be a string, got %T", v)
			}
			opts.nodeargs = s
		case "packagemanager":
			s, ok := v.(string)
			if !ok {
				return opts, fmt.Errorf("packagemanager option must be a string, got %T", v)
			}
			switch s {
			case "npm", "yarn", "pnpm", "bun":
				opts.packagemanager = npm.PackageManagerType(s)
			default:
				return opts, fmt.Errorf("unsupported packagemanager option %q", s)
			}
		}
		// Unknown options are ignored, as the upstream host does.
	}
	return opts, nil
}

func (h *nodeHost) Handshake(ctx context.Context,
	req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// resolveModule asks node where `mod` resolves from directory dir.
func resolveModule(ctx context.Context, nodeBin, dir, mod string) (string, error) {
	script := fmt.Sprintf("console.log(require.resolve(%s))", strconv.Quote(mod))
	cmd := exec.CommandContext(ctx, nodeBin, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not resolve %s from %s: is @pulumi/pulumi installed "+
			"(run npm install)? %w", mod, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	entryPoint := info.GetEntryPoint()
	if entryPoint == "" {
		entryPoint = "."
	}
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = runModule
	}
	runPath, err = resolveModule(ctx, nodeBin, programDir, runPath)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return &pulumirpc.RunResponse{Error: "failed to serialize configuration: " + err.Error()}, nil
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return &pulumirpc.RunResponse{Error: "failed to serialize secret keys: " + err.Error()}, nil
	}

	var args []string
	if opts.nodeargs != "" {
		args = append(args, strings.Fields(opts.nodeargs)...)
	}
	args = append(args, runPath)
	addArg := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	addArg("monitor", req.GetMonitorAddress())
	addArg("engine", h.engineAddress)
	addArg("organization", req.GetOrganization())
	addArg("project", req.GetProject())
	addArg("stack", req.GetStack())
	addArg("root-directory", info.GetRootDirectory())
	addArg("pwd", programDir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	addArg("query-mode", strconv.FormatBool(req.GetQueryMode()))
	addArg("parallel", strconv.Itoa(int(req.GetParallel())))
	addArg("tracing", h.tracing)
	args = append(args, entryPoint)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
	)
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.Command(nodeBin, args...)
	cmd.Dir = programDir
	cmd.Env = env
	// Wrap the writers so os/exec copies through pipes: node may switch its
	// stdio file descriptors to non-blocking mode, which must not leak into
	// our own stdout/stderr (the engine reads them).
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	if err := cmd.Run(); err != nil {
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitCodeAlreadyReported {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run node): %v", err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// packageJSON holds the package.json fields this host reads.
type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return &p, nil
}

// findNodeModules returns the nearest node_modules directory at or above dir.
func findNodeModules(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		nm := filepath.Join(d, "node_modules")
		if st, err := os.Stat(nm); err == nil && st.IsDir() {
			return nm
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// installedPackages lists the package.json paths of the packages installed
// directly in node_modules (including scoped ones, one level of @scope/).
func installedPackages(nodeModules string) []string {
	var out []string
	entries, err := os.ReadDir(nodeModules)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		full := filepath.Join(nodeModules, name)
		if strings.HasPrefix(name, "@") {
			scoped, err := os.ReadDir(full)
			if err != nil {
				continue
			}
			for _, s := range scoped {
				out = append(out, filepath.Join(full, s.Name(), "package.json"))
			}
			continue
		}
		out = append(out, filepath.Join(full, "package.json"))
	}
	return out
}

// GetRequiredPackages reports installed npm packages that declare a Pulumi
// resource plugin ("pulumi": {"resource": true} in their package.json). A
// project that only uses dynamic providers has none, so the engine tries no
// plugin downloads.
func (h *nodeHost) GetRequiredPackages(ctx context.Context,
	req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	var pkgs []*pulumirpc.PackageDependency
	nm := findNodeModules(req.GetInfo().GetProgramDirectory())
	if nm == "" {
		return &pulumirpc.GetRequiredPackagesResponse{}, nil
	}
	for _, path := range installedPackages(nm) {
		p, err := readPackageJSON(path)
		if err != nil || !p.Pulumi.Resource {
			continue
		}
		name := p.Pulumi.Name
		if name == "" {
			if !strings.HasPrefix(p.Name, "@pulumi/") {
				continue // third-party packages must name their plugin
			}
			name = strings.TrimPrefix(p.Name, "@pulumi/")
		}
		ver := p.Pulumi.Version
		if ver == "" {
			ver = p.Version
		}
		if ver != "" && !strings.HasPrefix(ver, "v") {
			ver = "v" + ver
		}
		pkgs = append(pkgs, &pulumirpc.PackageDependency{
			Name: name, Kind: "resource", Version: ver, Server: p.Pulumi.Server,
		})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages.
func (h *nodeHost) GetRequiredPlugins(ctx context.Context,
	req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	resp, err := h.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{Info: req.GetInfo()})
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(resp.GetPackages()))
	for _, p := range resp.GetPackages() {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.GetName(), Kind: p.GetKind(), Version: p.GetVersion(), Server: p.GetServer(),
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// InstallDependencies runs the project's package manager install.
func (h *nodeHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()

	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory()
	}
	opts, err := parseOptions(req.GetInfo())
	if err != nil {
		return err
	}
	root := dir
	if ws, err := npm.FindWorkspaceRoot(dir); err == nil {
		root = ws
	}
	fmt.Fprintf(stdout, "Installing dependencies...\n\n")
	if _, err := npm.Install(server.Context(), opts.packagemanager, root, false, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

func (h *nodeHost) RuntimeOptionsPrompts(context.Context,
	*pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *nodeHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "could not find node on the $PATH: %v", err)
	}
	out, err := exec.CommandContext(ctx, nodeBin, "--version").Output()
	if err != nil {
		return nil, status.Errorf(codes.Internal, "running node --version: %v", err)
	}
	return &pulumirpc.AboutResponse{Executable: nodeBin, Version: strings.TrimSpace(string(out))}, nil
}

// GetProgramDependencies lists the direct dependencies of the program's
// package.json with the versions installed in node_modules.
func (h *nodeHost) GetProgramDependencies(ctx context.Context,
	req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	p, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "reading package.json: %v", err)
	}
	nm := findNodeModules(dir)
	var deps []*pulumirpc.DependencyInfo
	for _, m := range []map[string]string{p.Dependencies, p.DevDependencies} {
		for name, wanted := range m {
			ver := wanted
			if nm != "" {
				if ip, err := readPackageJSON(filepath.Join(nm, name, "package.json")); err == nil {
					ver = ip.Version
				}
			}
			deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: ver})
		}
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}
