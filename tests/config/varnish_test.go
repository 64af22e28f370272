package config_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"

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
	const adminPath = "backoffice_x1"
	opts := render.Options{
		ValuesFiles: []string{m2Chart + "/ci/minimal-values.yaml"},
		SetValues:   map[string]string{"varnish.enabled": "true", "varnish.debugHeaders": "true", "service.port": "8080", "magento.adminPath": adminPath},
	}
	w := startWebPod(t, opts)
	varnish, port := startVarnish(t, w)
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
		return page{r.status, r.header.Get("X-Magento-Cache-Debug"), r.header.Get("X-Magento-Tags"), body.Nonce}
	}
	purgePort, err := varnish.Port(sts.Spec.Template.Spec.Containers[0], "purge")
	require.NoError(t, err)

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
		// Pages that would be kept (?tags=) by their Cache-Control, passed by their path: customer
		// and checkout pages, the admin, the health check.
		for _, path := range []string{"/customer/account?tags=c", "/women/checkout/cart?tags=c", "/" + adminPath + "/dashboard?tags=c", "/" + adminPath + "?tags=c", "/health_check.php?tags=c"} {
			a := fetch(t, http.MethodGet, path, nil)
			b := fetch(t, http.MethodGet, path, nil)
			assert.Equal(t, 200, b.status, path)
			assert.Equal(t, "UNCACHEABLE", b.cache, "%s is never served from the cache", path)
			if a.nonce != "" {
				assert.NotEqual(t, a.nonce, b.nonce, "%s is never served from the cache", path)
			}
		}
		post := fetch(t, http.MethodPost, "/women.html?tags=cat_c_3,store", nil)
		assert.NotEqual(t, "HIT", post.cache, "a POST is not a cache lookup")
	})
	t.Run("new vary cookie not cached", func(t *testing.T) {
		// A response that gives a visitor without one a new X-Magento-Vary cookie is that visitor's
		// page (Magento's varnish6.vcl): kept, it would be served to every visitor without one.
		a := fetch(t, http.MethodGet, "/currency.html?tags=cat_c_5&vary=eur", nil)
		b := fetch(t, http.MethodGet, "/currency.html?tags=cat_c_5&vary=eur", nil)
		assert.NotEqual(t, a.nonce, b.nonce)
		assert.NotEqual(t, "HIT", b.cache)
	})
	t.Run("graphql cache keys", func(t *testing.T) {
		// Store, Content-Currency and Magento's cache id are in the key of GraphQL queries.
		query := "/graphql?query=products&tags=gql_1"
		base := map[string]string{"Store": "default", "X-Magento-Cache-Id": "id-a"}
		first := fetch(t, http.MethodGet, query, base)
		require.Equal(t, 200, first.status)
		assert.Equal(t, "HIT", fetch(t, http.MethodGet, query, base).cache)
		for name, header := range map[string]map[string]string{
			"another store":    {"Store": "nl", "X-Magento-Cache-Id": "id-a"},
			"another currency": {"Store": "default", "X-Magento-Cache-Id": "id-a", "Content-Currency": "EUR"},
			"another cache id": {"Store": "default", "X-Magento-Cache-Id": "id-b"},
		} {
			other := fetch(t, http.MethodGet, query, header)
			assert.Equal(t, "MISS", other.cache, name)
			assert.NotEqual(t, first.nonce, other.nonce, name)
		}
		// Each key alone keys the query: the VCL looks for GraphQL's keys only when one of them
		// is there, so each must be enough on its own.
		plain := "/graphql?query=categories&tags=gql_2"
		fetch(t, http.MethodGet, plain, nil)
		require.Equal(t, "HIT", fetch(t, http.MethodGet, plain, nil).cache)
		for _, header := range []map[string]string{{"Store": "nl"}, {"Content-Currency": "EUR"}, {"X-Magento-Cache-Id": "id-d"}} {
			assert.Equal(t, "MISS", fetch(t, http.MethodGet, plain, header).cache, "%v", header)
		}
		// A customer's query with a cache id is cached (under its id); without one, it passes.
		bearer := map[string]string{"Store": "default", "X-Magento-Cache-Id": "id-c", "Authorization": "Bearer t"}
		fetch(t, http.MethodGet, query, bearer)
		assert.Equal(t, "HIT", fetch(t, http.MethodGet, query, bearer).cache)
		anonymous := map[string]string{"Authorization": "Bearer t"}
		fetch(t, http.MethodGet, query, anonymous)
		assert.NotEqual(t, "HIT", fetch(t, http.MethodGet, query, anonymous).cache)
	})
	t.Run("browsers do not keep pages", func(t *testing.T) {
		// A page kept here must not be kept by browsers or a CDN beyond a purge: not on its miss,
		// nor its hits, nor a page that passes; a private page keeps Magento's private.
		for _, c := range []struct{ path, cache string }{
			{"/browsers.html?tags=cat_c_6", "MISS"},
			{"/browsers.html?tags=cat_c_6", "HIT"},
			{"/browsers.html?tags=cat_c_6", "HIT"},
			{"/checkout/cart", "UNCACHEABLE"},
		} {
			r := w.do(t, http.MethodGet, port, c.path, nil, nil)
			assert.Equal(t, c.cache, r.header.Get("X-Magento-Cache-Debug"), c.path)
			assert.Equal(t, "no-store, no-cache, must-revalidate, max-age=0", r.header.Get("Cache-Control"), "%s %s", c.path, c.cache)
			assert.Equal(t, "no-cache", r.header.Get("Pragma"), "%s %s", c.path, c.cache)
			assert.Equal(t, "-1", r.header.Get("Expires"), "%s %s", c.path, c.cache)
			assert.Empty(t, r.header.Get("Age"))
		}
		private := w.do(t, http.MethodGet, port, "/browsers.html?private=1", nil, nil)
		assert.Equal(t, "private, max-age=0", private.header.Get("Cache-Control"))
		static := w.do(t, http.MethodGet, port, "/static/frontend/Magento/luma/en_US/css/styles-m.css", nil, nil)
		assert.Contains(t, static.header.Get("Cache-Control"), "public", "static files keep nginx's cache headers")
	})
	t.Run("internal headers stay inside", func(t *testing.T) {
		// On a cached page (its miss and its hit), a pass and a private page: neither the
		// headers Varnish adds on delivery, nor the tags bans match, nor the backend's own.
		for _, path := range []string{"/inside.html?tags=cat_c_8&internal=1", "/inside.html?tags=cat_c_8&internal=1", "/checkout/cart?internal=1", "/inside.html?private=1&internal=1"} {
			r := w.do(t, http.MethodGet, port, path, nil, nil)
			require.Equal(t, 200, r.status, path)
			for _, name := range []string{"Age", "X-Varnish", "Via", "X-Magento-Tags", "X-Pool", "Server", "X-Powered-By", "Link", "X-Magento-Debug"} {
				assert.Empty(t, r.header.Values(name), "%s: %s", path, name)
			}
		}
	})
	t.Run("transient storage bounded", func(t *testing.T) {
		// Passes and hit-for-miss objects go to the transient store, unbounded unless sized.
		out, err := varnish.Exec(context.Background(), "varnish", []string{"varnishstat", "-n", "/var/lib/varnish/work", "-1", "-f", "SMA.Transient.g_space"})
		require.NoError(t, err, out)
		assert.Regexp(t, `SMA\.Transient\.g_space\s+[1-9][0-9]*`, out, "a malloc store with a size, not the unbounded default")
	})
	t.Run("purge refused on the public port", func(t *testing.T) {
		kept := fetch(t, http.MethodGet, "/kept.html?tags=cat_c_9", nil)
		// Whoever sends it, an ingress controller passing a visitor's request on included.
		for _, pattern := range []string{".*", "((^|,)cat_c_9(,|$))"} {
			r := fetch(t, "PURGE", "/", map[string]string{"X-Magento-Tags-Pattern": pattern})
			assert.Equal(t, 405, r.status, pattern)
		}
		after := fetch(t, http.MethodGet, "/kept.html?tags=cat_c_9", nil)
		assert.Equal(t, "HIT", after.cache, "nothing was purged")
		assert.Equal(t, kept.nonce, after.nonce)
		// The purge listener serves nothing but purges.
		assert.Equal(t, 405, w.do(t, http.MethodGet, purgePort, "/kept.html?tags=cat_c_9", nil, nil).status)
	})
	t.Run("purge by tag", func(t *testing.T) {
		shoes := fetch(t, http.MethodGet, "/shoes.html?tags=cat_c_4", nil)
		require.Equal(t, "HIT", fetch(t, http.MethodGet, "/shoes.html?tags=cat_c_4", nil).cache)
		women := fetch(t, http.MethodGet, "/women.html?tags=cat_c_3,store", nil)
		require.Equal(t, "HIT", women.cache)
		// What Magento sends when category 3 changes, on the purge listener.
		r := w.do(t, "PURGE", purgePort, "/", map[string]string{"X-Magento-Tags-Pattern": "((^|,)cat_c_3(,|$))"}, nil)
		require.Equal(t, 200, r.status)
		after := fetch(t, http.MethodGet, "/women.html?tags=cat_c_3,store", nil)
		assert.Equal(t, "MISS", after.cache, "the tagged page is gone")
		assert.NotEqual(t, women.nonce, after.nonce)
		untouched := fetch(t, http.MethodGet, "/shoes.html?tags=cat_c_4", nil)
		assert.Equal(t, "HIT", untouched.cache, "other pages stay")
		assert.Equal(t, shoes.nonce, untouched.nonce)
	})
	t.Run("magento purges from its pods", func(t *testing.T) {
		// A cron pod of the release runs bin/magento, which sends PURGE as Magento does
		// (PurgeCache.php) to every http_cache_hosts entry of its env.php: the Varnish pods by
		// name on the purge port. Each instance answers; the tagged page is gone.
		page := fetch(t, http.MethodGet, "/boots.html?tags=cat_c_7", nil)
		require.Equal(t, "HIT", fetch(t, http.MethodGet, "/boots.html?tags=cat_c_7", nil).cache)
		hosts := map[string]string{}
		for i := range int(*sts.Spec.Replicas) {
			hosts[sts.Name+"-"+strconv.Itoa(i)+"."+sts.Spec.ServiceName] = "127.0.0.1"
		}
		cron := render.Get[*batchv1.CronJob](t, w.manifests, m2Name("cron-main")).Spec.JobTemplate.Spec.Template.Spec
		cron.Containers[0].Command = []string{"/usr/bin/tini", "-g", "--", "php", "bin/magento", "stub:purge-tags", "cat_c_7"}
		pod := runPodExisting(t, w.manifests, cron, render.Options{ValuesFiles: []string{m2Chart + "/ci/minimal-values.yaml"}}, w.existing, nil, nil, func(o *podrun.Options) {
			o.JoinNetns = w.Netns
			o.HostAliases = hosts
		})
		done, err := pod.Wait(cron.Containers[0].Name, 30*time.Second)
		require.True(t, done)
		require.NoError(t, err, pod.Logs(cron.Containers[0].Name))
		calls := magentoCalls(t, pod)
		require.Len(t, calls, 1)
		require.Len(t, calls[0].Purges, int(*sts.Spec.Replicas), "every instance is purged")
		for host, status := range calls[0].Purges {
			assert.Equal(t, "HTTP/1.1 200 Purged", status, host)
			assert.True(t, strings.HasSuffix(host, ":"+strconv.Itoa(purgePort)), "%s: the purge port", host)
		}
		after := fetch(t, http.MethodGet, "/boots.html?tags=cat_c_7", nil)
		assert.Equal(t, "MISS", after.cache)
		assert.NotEqual(t, page.nonce, after.nonce)
	})
}

// startVarnish runs the rendered Varnish pod in the web pod's network namespace, the web Service
// name resolving to the loopback (render the chart with service.port equal to the web pods' port),
// waits until it is ready and returns it with its port.
func startVarnish(tb testing.TB, w *webPod) (*podrun.Pod, int) {
	tb.Helper()
	sts := render.Get[*appsv1.StatefulSet](tb, w.manifests, m2Name("varnish"))
	configMaps, _ := w.existing.Data(w.manifests)
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
