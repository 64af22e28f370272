package render

import (
	"fmt"
	"strings"

	action3 "helm.sh/helm/v3/pkg/action"
	loader3 "helm.sh/helm/v3/pkg/chart/loader"
	chartutil3 "helm.sh/helm/v3/pkg/chartutil"
	cli3 "helm.sh/helm/v3/pkg/cli"
	values3 "helm.sh/helm/v3/pkg/cli/values"
	getter3 "helm.sh/helm/v3/pkg/getter"
	action4 "helm.sh/helm/v4/pkg/action"
	common4 "helm.sh/helm/v4/pkg/chart/common"
	loader4 "helm.sh/helm/v4/pkg/chart/loader"
	cli4 "helm.sh/helm/v4/pkg/cli"
	values4 "helm.sh/helm/v4/pkg/cli/values"
	getter4 "helm.sh/helm/v4/pkg/getter"
	release4 "helm.sh/helm/v4/pkg/release/v1"

	"github.com/magento-k8s/charts/tests/internal/kv"
)

// HelmMajors are the Helm lines the charts support: Helm 4, and Helm 3 (security fixes only
// until 2027-02-10). RenderSDK renders with either.
var HelmMajors = []int{3, 4}

// RenderSDK renders the chart in chartDir in process with the Go SDK of Helm major 3 or 4, as
// `helm template` of that major does (client-only dry-run install: values files and --set
// flags merged by the SDK's own values.Options, the values schema validated, hooks included),
// and returns the manifests and hooks in `helm template`'s layout. It builds the chart's
// dependencies first, like RenderE.
func RenderSDK(major int, chartDir string, opts Options) (string, error) {
	chartDir, opts, err := prepare(chartDir, opts)
	if err != nil {
		return "", err
	}
	switch major {
	case 3:
		return renderSDK3(chartDir, opts)
	case 4:
		return renderSDK4(chartDir, opts)
	}
	return "", fmt.Errorf("no Helm %d SDK: the charts support %v", major, HelmMajors)
}

// templateOutput lays out a release's manifest and its hooks (path, manifest) as helm template
// prints them.
func templateOutput(manifest string, hooks [][2]string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(manifest) + "\n")
	for _, h := range hooks {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", h[0], h[1])
	}
	return b.String()
}

func renderSDK3(chartDir string, opts Options) (string, error) {
	vo := values3.Options{ValueFiles: opts.ValuesFiles, Values: kv.Pairs(opts.SetValues),
		StringValues: kv.Pairs(opts.SetStrValues), JSONValues: kv.Pairs(opts.SetJSONValues)}
	vals, err := vo.MergeValues(getter3.All(cli3.New()))
	if err != nil {
		return "", err
	}
	chart, err := loader3.Load(chartDir)
	if err != nil {
		return "", err
	}
	kv, err := chartutil3.ParseKubeVersion(opts.KubeVersion)
	if err != nil {
		return "", err
	}
	install := action3.NewInstall(&action3.Configuration{Log: func(string, ...any) {}})
	install.DryRun, install.ClientOnly, install.Replace = true, true, true
	install.ReleaseName, install.Namespace, install.KubeVersion = opts.ReleaseName, opts.Namespace, kv
	install.APIVersions = chartutil3.VersionSet(opts.APIVersions)
	rel, err := install.Run(chart, vals)
	if err != nil {
		return "", err
	}
	hooks := make([][2]string, len(rel.Hooks))
	for i, h := range rel.Hooks {
		hooks[i] = [2]string{h.Path, h.Manifest}
	}
	return templateOutput(rel.Manifest, hooks), nil
}

func renderSDK4(chartDir string, opts Options) (string, error) {
	vo := values4.Options{ValueFiles: opts.ValuesFiles, Values: kv.Pairs(opts.SetValues),
		StringValues: kv.Pairs(opts.SetStrValues), JSONValues: kv.Pairs(opts.SetJSONValues)}
	vals, err := vo.MergeValues(getter4.All(cli4.New()))
	if err != nil {
		return "", err
	}
	chart, err := loader4.Load(chartDir)
	if err != nil {
		return "", err
	}
	kv, err := common4.ParseKubeVersion(opts.KubeVersion)
	if err != nil {
		return "", err
	}
	install := action4.NewInstall(action4.NewConfiguration())
	install.DryRunStrategy, install.Replace = action4.DryRunClient, true
	install.ReleaseName, install.Namespace, install.KubeVersion = opts.ReleaseName, opts.Namespace, kv
	install.APIVersions = common4.VersionSet(opts.APIVersions)
	released, err := install.Run(chart, vals)
	if err != nil {
		return "", err
	}
	rel, ok := released.(*release4.Release)
	if !ok {
		return "", fmt.Errorf("helm 4 returned a %T, not a v1 release", released)
	}
	hooks := make([][2]string, len(rel.Hooks))
	for i, h := range rel.Hooks {
		hooks[i] = [2]string{h.Path, h.Manifest}
	}
	return templateOutput(rel.Manifest, hooks), nil
}

// TrimDocuments returns a multi-document YAML stream with the whitespace around every document
// trimmed. Helm 4 ends each rendered template with a blank line where Helm 3 does not; nothing
// of a manifest is in it (a block scalar's trailing blank lines are not part of its value).
func TrimDocuments(stream string) string {
	docs := strings.Split(stream, "\n---\n")
	for i, d := range docs {
		docs[i] = strings.TrimSpace(d)
	}
	return strings.Join(docs, "\n---\n") + "\n"
}
