// Package config_test is the config tier: every scenario's web pod runs on this machine with the
// real nginx and php-fpm of the Debian host in place of the images (tests/internal/podrun), with
// the chart's rendered configuration unchanged, and is checked over HTTP against a stub store
// (testdata/app, testdata/media).
package config_test

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/chartutil"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

const (
	m2Chart = "magento2"
	m2Web   = render.DefaultReleaseName + "-magento2-web"
)

// programs are the host programs that stand in for the commands the images provide.
var programs = map[string]string{
	"php-fpm": "/usr/sbin/php-fpm8.2",
	"php":     "/usr/bin/php8.2",
	// Built from their Go modules by scripts/build-tools.sh, as the exporter image holds them.
	"nginx-prometheus-exporter": filepath.Join(repo.ToolsBinDir(), "nginx-prometheus-exporter"),
	"redis_exporter":            filepath.Join(repo.ToolsBinDir(), "redis_exporter"),
	// Debian's Redis 7.0 stands in for the Valkey image: the rendered redis.conf must suit both,
	// and the readiness probe's client (valkey-cli, redis-cli) reads REDISCLI_AUTH in both.
	"valkey-server": "/usr/bin/redis-server",
	"valkey-cli":    "/usr/bin/redis-cli",
}

// webPod is a running web pod with what it was rendered from.
type webPod struct {
	*podrun.Pod
	manifests *render.Manifests
	values    chartutil.Values
	deploy    *appsv1.Deployment
	existing  *existing.Objects // what the scenario presumes exists (its Secrets, ConfigMaps)
	opts      render.Options    // what it was rendered with
}

// container returns the pod's container by name.
func (w *webPod) container(tb testing.TB, name string) corev1.Container {
	tb.Helper()
	for _, c := range w.Spec.Containers {
		if c.Name == name {
			return c
		}
	}
	tb.Fatalf("web pod has no container %s", name)
	return corev1.Container{}
}

// startWebPod renders the chart with opts, runs its web Deployment's pod and waits until its
// probes pass.
func startWebPod(tb testing.TB, opts render.Options) *webPod {
	tb.Helper()
	m := render.Render(tb, m2Chart, opts)
	pod := runWebPod(tb, m, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(tb, pod.WaitReady(ctx), "web pod ready")
	return &webPod{Pod: pod, manifests: m, opts: opts, values: render.Values(tb, m2Chart, opts), deploy: render.Get[*appsv1.Deployment](tb, m, m2Web),
		existing: existing.For(tb, m2Chart, opts.ValuesFiles)}
}

// runWebPod starts the pod of the rendered web Deployment without waiting for it.
func runWebPod(tb testing.TB, m *render.Manifests, opts render.Options) *podrun.Pod {
	tb.Helper()
	spec := render.Get[*appsv1.Deployment](tb, m, m2Web).Spec.Template.Spec
	return runPod(tb, m, spec, opts, nil)
}

// runPod starts a pod of the rendered chart with the stub store as the app image (or app, when
// given), the stub media on the media volume, and the rendered ConfigMaps and Secrets. The app
// image is the image of the chart's own containers (image.*), found in spec as the image of a
// container that runs from the store's root.
func runPod(tb testing.TB, m *render.Manifests, spec corev1.PodSpec, opts render.Options, app fs.FS) *podrun.Pod {
	tb.Helper()
	return runPodWith(tb, m, spec, opts, app, nil)
}

// runPodWithVolumes is runPod with the stub store and extra volume contents (by volume name; the
// stub media is on "media" unless given).
func runPodWithVolumes(tb testing.TB, m *render.Manifests, spec corev1.PodSpec, opts render.Options, volumes map[string]fs.FS) *podrun.Pod {
	tb.Helper()
	return runPodWith(tb, m, spec, opts, nil, volumes)
}

func runPodWith(tb testing.TB, m *render.Manifests, spec corev1.PodSpec, opts render.Options, app fs.FS, volumes map[string]fs.FS) *podrun.Pod {
	tb.Helper()
	return runPodExisting(tb, m, spec, opts, existing.For(tb, m2Chart, opts.ValuesFiles), app, volumes, nil)
}

// runPodExisting is runPodWith with the pre-existing objects given (the scenario's, plus a test's
// own): every Secret and ConfigMap the rendered pods reference must be rendered or among them.
// tweak, when given, changes the pod's options before it starts (e.g. the network it joins).
func runPodExisting(tb testing.TB, m *render.Manifests, spec corev1.PodSpec, opts render.Options, pre *existing.Objects, app fs.FS, volumes map[string]fs.FS, tweak func(*podrun.Options)) *podrun.Pod {
	tb.Helper()
	return runChartPod(tb, m2Chart, m, spec, opts, pre, app, volumes, tweak)
}

// runChartPod is runPodExisting for a pod of any store chart.
func runChartPod(tb testing.TB, chart string, m *render.Manifests, spec corev1.PodSpec, opts render.Options, pre *existing.Objects, app fs.FS, volumes map[string]fs.FS, tweak func(*podrun.Options)) *podrun.Pod {
	tb.Helper()
	pre.RequireComplete(tb, m)
	vals := render.Values(tb, chart, opts)
	configMaps, secrets := pre.Data(m)
	docRoot, err := vals.PathValue("podDefaults.documentRoot")
	require.NoError(tb, err)
	appImage := ""
	for _, c := range spec.Containers {
		if c.WorkingDir == docRoot {
			appImage = c.Image
		}
	}
	require.NotEmpty(tb, appImage, "a container runs in the store's root (podDefaults.documentRoot) from the app image")
	root := repo.Root(tb)
	if app == nil {
		app = os.DirFS(root + "/tests/config/testdata/app")
	}
	volumeFiles := map[string]fs.FS{"media": os.DirFS(root + "/tests/config/testdata/media")}
	for name, files := range volumes {
		volumeFiles[name] = files
	}
	po := podrun.Options{
		AppImage:     appImage,
		DocumentRoot: docRoot.(string),
		AppFiles:     app,
		VolumeFiles:  volumeFiles,
		Programs:     programs,
		ConfigMaps:   configMaps,
		Secrets:      secrets,
	}
	if tweak != nil {
		tweak(&po)
	}
	return podrun.Start(tb, spec, po)
}

// response is what a request returned.
type response struct {
	status int
	header http.Header
	body   string
}

// get sends a request to port inside the pod and returns the response.
func (w *webPod) get(tb testing.TB, port int, path string, header map[string]string) response {
	tb.Helper()
	return w.do(tb, http.MethodGet, port, path, header, nil)
}

// tryGet is get for goroutines: it returns the error instead of failing the test.
func (w *webPod) tryGet(port int, path string) (response, error) {
	resp, err := w.Client().Get("http://127.0.0.1:" + strconv.Itoa(port) + path)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}, err
}

func (w *webPod) do(tb testing.TB, method string, port int, path string, header map[string]string, body io.Reader) response {
	tb.Helper()
	req, err := http.NewRequest(method, "http://127.0.0.1:"+strconv.Itoa(port)+path, body)
	require.NoError(tb, err)
	for k, v := range header {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := w.Client().Do(req)
	require.NoError(tb, err, "%s %s", method, path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(tb, err)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// m2Name is the name of a component's object of the magento2 release.
func m2Name(component string) string {
	return render.DefaultReleaseName + "-magento2-" + component
}
