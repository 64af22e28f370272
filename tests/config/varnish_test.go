package config_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
)

// TestMagento2Varnish runs the rendered Varnish (Debian's varnishd 7.1 in place of the image) with
// its VCL next to a web pod, reaching it on the loopback as the web Service (service.port is the
// web pods' port here, so no Service is needed), and checks Magento's full-page cache contract:
// cacheable pages are kept and served again without their cache tags, marketing parameters do
// not split the cache, http and https are kept apart, private and uncacheable pages and POSTs
// pass, a tag-pattern PURGE (what Magento sends) bans exactly the tagged pages, and the health
// endpoint answers without the backend.
func TestMagento2Varnish(t *testing.T) {
	t.Parallel()
	opts := render.Options{
		ValuesFiles: []string{m2Chart + "/ci/minimal-values.yaml"},
		SetValues:   map[string]string{"varnish.enabled": "true", "varnish.debugHeaders": "true", "service.port": "8080"},
	}
	w := startWebPod(t, opts)
	_, port := startVarnish(t, w)
	sts := render.Get[*appsv1.StatefulSet](t, w.manifests, m2Name("varnish"))

	type page struct {
		status int
		cache  string
		tags   string
		nonce  string
	}
	fetch := func(t *testing.T, method, path string, header map[string]string) page {
		t.Helper()
		r := w.do(t, method, port, path, header, nil)
		var body struct {
			Nonce string `json:"nonce"`
		}
		_ = json.Unmarshal([]byte(r.body), &body)
		return page{r.status, r.header.Get("X-Cache"), r.header.Get("X-Magento-Tags"), body.Nonce}
	}

	t.Run("health without the backend", func(t *testing.T) {
		assert.Equal(t, 200, fetch(t, http.MethodGet, "/varnish-health", nil).status)
	})
	t.Run("cacheable page kept", func(t *testing.T) {
		first := fetch(t, http.MethodGet, "/women.html?tags=cat_c_3,store", nil)
		require.Equal(t, 200, first.status)
		assert.Equal(t, "MISS", first.cache)
		second := fetch(t, http.MethodGet, "/women.html?tags=cat_c_3,store", nil)
		assert.Equal(t, "HIT", second.cache)
		assert.Equal(t, first.nonce, second.nonce, "the same page from the cache")
		assert.Empty(t, second.tags, "cache tags stay inside")
		tracked := fetch(t, http.MethodGet, "/women.html?tags=cat_c_3,store&utm_source=newsletter&gclid=abc", nil)
		assert.Equal(t, "HIT", tracked.cache, "marketing parameters do not split the cache")
		https := fetch(t, http.MethodGet, "/women.html?tags=cat_c_3,store", map[string]string{"X-Forwarded-Proto": "https"})
		assert.Equal(t, "MISS", https.cache, "https pages are kept apart from http ones")
	})
	t.Run("uncacheable passes", func(t *testing.T) {
		for _, path := range []string{"/customer/account?private=1", "/checkout/cart"} {
			a := fetch(t, http.MethodGet, path, nil)
			b := fetch(t, http.MethodGet, path, nil)
			assert.Equal(t, 200, b.status, path)
			assert.NotEqual(t, a.nonce, b.nonce, "%s is never served from the cache", path)
			assert.NotEqual(t, "HIT", b.cache, path)
		}
		post := fetch(t, http.MethodPost, "/women.html?tags=cat_c_3,store", nil)
		assert.NotEqual(t, "HIT", post.cache, "a POST is not a cache lookup")
	})
	t.Run("purge by tag", func(t *testing.T) {
		shoes := fetch(t, http.MethodGet, "/shoes.html?tags=cat_c_4", nil)
		require.Equal(t, "HIT", fetch(t, http.MethodGet, "/shoes.html?tags=cat_c_4", nil).cache)
		women := fetch(t, http.MethodGet, "/women.html?tags=cat_c_3,store", nil)
		require.Equal(t, "HIT", women.cache)
		// What Magento sends when category 3 changes.
		purged := fetch(t, "PURGE", "/", map[string]string{"X-Magento-Tags-Pattern": "((^|,)cat_c_3(,|$))"})
		require.Equal(t, 200, purged.status)
		after := fetch(t, http.MethodGet, "/women.html?tags=cat_c_3,store", nil)
		assert.Equal(t, "MISS", after.cache, "the tagged page is gone")
		assert.NotEqual(t, women.nonce, after.nonce)
		untouched := fetch(t, http.MethodGet, "/shoes.html?tags=cat_c_4", nil)
		assert.Equal(t, "HIT", untouched.cache, "other pages stay")
		assert.Equal(t, shoes.nonce, untouched.nonce)
	})
	t.Run("magento purges every instance", func(t *testing.T) {
		env := render.Get[*corev1.ConfigMap](t, w.manifests, m2Name("env")).Data
		for i := range int(*sts.Spec.Replicas) {
			prefix := "MAGENTO_DC_HTTP_CACHE_HOSTS__" + strconv.Itoa(i) + "__"
			assert.Equal(t, sts.Name+"-"+strconv.Itoa(i)+"."+sts.Spec.ServiceName, env[prefix+"HOST"])
			assert.Equal(t, strconv.Itoa(port), env[prefix+"PORT"])
		}
		assert.Equal(t, "2", env["CONFIG__DEFAULT__SYSTEM__FULL_PAGE_CACHE__CACHING_APPLICATION"])
	})
}

// startVarnish runs the rendered Varnish pod in the web pod's network namespace, the web Service
// name resolving to the loopback (render the chart with service.port equal to the web pods' port),
// waits until it is ready and returns it with its port.
func startVarnish(tb testing.TB, w *webPod) (*podrun.Pod, int) {
	tb.Helper()
	sts := render.Get[*appsv1.StatefulSet](tb, w.manifests, m2Name("varnish"))
	configMaps, _ := renderedData(w.manifests)
	varnish := podrun.Start(tb, sts.Spec.Template.Spec, podrun.Options{
		JoinNetns:   w.Netns,
		HostAliases: map[string]string{m2Name("web"): "127.0.0.1"},
		Programs:    map[string]string{"varnishd": "/usr/sbin/varnishd"},
		ConfigMaps:  configMaps,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(tb, varnish.WaitReady(ctx), "varnish ready")
	port, err := varnish.Port(sts.Spec.Template.Spec.Containers[0], "http")
	require.NoError(tb, err)
	return varnish, port
}
