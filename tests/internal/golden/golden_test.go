package golden

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const rendered = `---
# Source: shop/templates/empty.yaml
---
# Source: shop/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: shop-keys
  labels:
    helm.sh/chart: shop-1.2.3-rc.1
    app.kubernetes.io/version: "2.4.8"   # the app version
  annotations:
    magento.k8s.io/generated: "true"
data:
  crypt-key: "c2VjcmV0"
  multi: |
    line one  
    line two
stringData:
  password: abc
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-web
  labels: {helm.sh/chart: shop-0.1.0, app.kubernetes.io/name: shop}
spec:
  template:
    metadata:
      annotations:
        checksum/config: 0123abcd
    spec:
      containers:
        - name: web
          image: "nginx:1.27"
---
# Source: shop/templates/cm.yaml
apiVersion: v1
kind: Secret
metadata:
  name: plain
data:
  key: dmFsdWU=
`

func TestNormalize(t *testing.T) {
	t.Parallel()
	got := string(Normalize(t, []byte(rendered)))

	assert.Equal(t, 3+1, strings.Count(got, "---\n"), "empty document dropped, others kept")
	assert.Contains(t, got, "# Source: shop/templates/secret.yaml\n", "comments kept")
	assert.Contains(t, got, "    helm.sh/chart: shop-<version>\n")
	assert.Contains(t, got, "    app.kubernetes.io/version: <version>\n")
	assert.Contains(t, got, "  crypt-key: <generated>\n  multi: <generated>\nstringData:\n  password: <generated>\n")
	assert.NotContains(t, got, "line one")
	assert.Contains(t, got, "key: dmFsdWU=", "Secret without the generated annotation kept")
	// The flow mapping cannot be edited in place: that document is re-encoded.
	assert.Contains(t, got, "helm.sh/chart: shop-<version>")
	assert.Contains(t, got, "checksum/config: <checksum>")
	assert.Contains(t, got, "image: \"nginx:1.27\"")
	assert.NotContains(t, got, "0.1.0")
	assert.NotContains(t, got, "0123abcd")
}

func TestNormalizeKeepsFormatting(t *testing.T) {
	t.Parallel()
	in := "---\n# Source: a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  conf: |\n    a \n\n    b\n"
	assert.Equal(t, in, string(Normalize(t, []byte(in))))
}

func TestNormalizeRejectsBadYAML(t *testing.T) {
	t.Parallel()
	_, err := NormalizeE([]byte("a: [1\nb: 2\n"))
	require.Error(t, err)
}

func TestDiff(t *testing.T) {
	t.Parallel()
	a := []byte("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n")
	b := []byte("1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\ntwelve\n")
	d := Diff(a, b, 2, 0)
	assert.Equal(t, "--- expected\n+++ actual\n@@ -3,5 +3,5 @@\n 3\n 4\n-5\n+five\n 6\n 7\n@@ -10,3 +10,3 @@\n 10\n 11\n-12\n+twelve\n", d)
	assert.Empty(t, Diff(a, a, 3, 0))
	assert.Contains(t, Diff(a, b, 3, 2), "(diff truncated)")
}
