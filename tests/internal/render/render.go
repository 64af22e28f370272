package render

import (
	"fmt"
	"maps"
	"path/filepath"
	"testing"

	"github.com/gruntwork-io/terratest/modules/helm"
	"github.com/gruntwork-io/terratest/modules/k8s"
	"github.com/gruntwork-io/terratest/modules/logger"

	"github.com/magento-k8s/charts/tests/internal/repo"
)

// Defaults used when the matching Options field is empty.
const (
	DefaultReleaseName = "shop"
	DefaultNamespace   = "shop-test"
	// DefaultKubeVersion is the Kubernetes version the charts target; it
	// drives Chart.yaml kubeVersion checks and .Capabilities.KubeVersion.
	DefaultKubeVersion = "1.37.2"
)

// Options control one `helm template` run. The zero value renders the chart's
// default values as release DefaultReleaseName in DefaultNamespace.
type Options struct {
	// ReleaseName defaults to DefaultReleaseName.
	ReleaseName string
	// Namespace defaults to DefaultNamespace.
	Namespace string
	// KubeVersion is passed as --kube-version; defaults to DefaultKubeVersion.
	KubeVersion string
	// ValuesFiles are passed as -f, in order (absolute or relative to the
	// repository root).
	ValuesFiles []string
	// SetValues are passed as --set key=value.
	SetValues map[string]string
	// SetStrValues are passed as --set-string key=value.
	SetStrValues map[string]string
	// SetJSONValues are passed as --set-json key=json.
	SetJSONValues map[string]string
	// APIVersions are passed as --api-versions, e.g. "cert-manager.io/v1" or
	// "monitoring.coreos.com/v1/ServiceMonitor", so templates that test
	// .Capabilities.APIVersions.Has render their CRD-dependent objects.
	APIVersions []string
	// ShowOnly limits the output to these templates (--show-only), relative
	// to the chart directory, e.g. "templates/web/deployment.yaml".
	ShowOnly []string
	// ExtraArgs are appended to the helm template arguments as they are.
	ExtraArgs []string
}

// withDefaults returns a copy of o with every defaulted field filled in.
func (o Options) withDefaults() Options {
	if o.ReleaseName == "" {
		o.ReleaseName = DefaultReleaseName
	}
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.KubeVersion == "" {
		o.KubeVersion = DefaultKubeVersion
	}
	return o
}

// args returns the extra `helm template` arguments for o.
func (o Options) args() []string {
	args := []string{"--kube-version", o.KubeVersion}
	for _, v := range o.APIVersions {
		args = append(args, "--api-versions", v)
	}
	return append(args, o.ExtraArgs...)
}

// Render runs `helm template` on the chart in chartDir (absolute, or relative
// to the repository root) and decodes the output strictly. It builds the
// chart's dependencies first (once per process) and fails the test on any
// render or decode error.
func Render(tb testing.TB, chartDir string, opts Options) *Manifests {
	tb.Helper()
	m, err := RenderE(tb, chartDir, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// RenderE is like Render but returns the error, e.g. for tests that expect
// bad values to fail. A helm failure's error includes helm's stderr.
func RenderE(tb testing.TB, chartDir string, opts Options) (*Manifests, error) {
	tb.Helper()
	raw, stderr, err := RenderRawE(tb, chartDir, opts)
	if err != nil {
		return nil, err
	}
	m, err := DecodeE([]byte(raw), opts.withDefaults().KubeVersion)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", chartDir, err)
	}
	m.Stderr = stderr
	return m, nil
}

// RenderRawE runs `helm template` like RenderE and returns helm's stdout and
// stderr undecoded.
func RenderRawE(tb testing.TB, chartDir string, opts Options) (stdout, stderr string, err error) {
	tb.Helper()
	chartDir, opts, err = prepare(chartDir, opts)
	if err != nil {
		return "", "", err
	}
	showOnly := make([]string, len(opts.ShowOnly))
	copy(showOnly, opts.ShowOnly)
	hopts := &helm.Options{
		Logger:         logger.Discard,
		KubectlOptions: k8s.NewKubectlOptions("", "", opts.Namespace),
		ValuesFiles:    opts.ValuesFiles,
		SetValues:      maps.Clone(opts.SetValues),
		SetStrValues:   maps.Clone(opts.SetStrValues),
		SetJSONValues:  maps.Clone(opts.SetJSONValues),
	}
	return helm.RenderTemplateAndGetStdOutErrContextE(tb, tb.Context(), hopts, chartDir, opts.ReleaseName, showOnly, opts.args()...)
}

// prepare fills in opts' defaults, resolves chartDir and the values files against the repository
// root, and builds the chart's dependencies (once per process): what every helm call needs first.
func prepare(chartDir string, opts Options) (string, Options, error) {
	opts = opts.withDefaults()
	root, err := repo.RootE()
	if err != nil {
		return "", opts, err
	}
	chartDir = abs(root, chartDir)
	if err := repo.BuildDependenciesE(chartDir); err != nil {
		return "", opts, err
	}
	files := make([]string, len(opts.ValuesFiles))
	for i, f := range opts.ValuesFiles {
		files[i] = abs(root, f)
	}
	opts.ValuesFiles = files
	return chartDir, opts, nil
}

// abs resolves p against root unless it is already absolute.
func abs(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}
