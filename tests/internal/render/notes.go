package render

import (
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chartutil"
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
	chrt, vals, err := loadWithValues(chartDir, opts)
	if err != nil {
		return "", err
	}
	opts = opts.withDefaults()
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
