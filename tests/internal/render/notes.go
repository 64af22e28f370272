package render

import (
	"fmt"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"
)

// Notes renders the chart's NOTES.txt for opts, as `helm install` would print it; see NotesE.
func Notes(tb testing.TB, chartDir string, opts Options) string {
	tb.Helper()
	notes, err := NotesE(tb, chartDir, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return notes
}

// NotesE renders NOTES.txt in-process with the Helm SDK (a client-only dry-run install, which is
// what `helm template` runs, keeping the notes it drops). Values files and --set values are
// merged as the helm command line merges them.
func NotesE(tb testing.TB, chartDir string, opts Options) (string, error) {
	tb.Helper()
	chartDir, opts, err := prepare(chartDir, opts)
	if err != nil {
		return "", err
	}
	chrt, err := loader.Load(chartDir)
	if err != nil {
		return "", fmt.Errorf("load %s: %w", chartDir, err)
	}
	valueOpts := values.Options{ValueFiles: opts.ValuesFiles}
	for k, v := range opts.SetValues {
		valueOpts.Values = append(valueOpts.Values, k+"="+v)
	}
	for k, v := range opts.SetStrValues {
		valueOpts.StringValues = append(valueOpts.StringValues, k+"="+v)
	}
	for k, v := range opts.SetJSONValues {
		valueOpts.JSONValues = append(valueOpts.JSONValues, k+"="+v)
	}
	vals, err := valueOpts.MergeValues(getter.All(cli.New()))
	if err != nil {
		return "", err
	}
	kubeVersion, err := chartutil.ParseKubeVersion(opts.KubeVersion)
	if err != nil {
		return "", err
	}
	install := action.NewInstall(&action.Configuration{})
	install.DryRun = true
	install.ClientOnly = true
	install.Replace = true
	install.ReleaseName = opts.ReleaseName
	install.Namespace = opts.Namespace
	install.KubeVersion = kubeVersion
	rel, err := install.Run(chrt, vals)
	if err != nil {
		return "", err
	}
	return rel.Info.Notes, nil
}
