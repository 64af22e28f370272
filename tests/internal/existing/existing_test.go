package existing

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// TestMissing: every kind of reference a pod makes is reported when neither rendered nor
// declared, and only then.
func TestMissing(t *testing.T) {
	t.Parallel()
	// A Deployment that references every kind of object a pod can.
	pod, err := os.ReadFile("testdata/pod.yaml")
	require.NoError(t, err)
	m := render.Decode(t, pod, "")
	empty := &Objects{}
	assert.Equal(t, []string{
		"Deployment/web container app: ConfigMap settings",
		"Deployment/web container app: ConfigMap settings",
		"Deployment/web container app: Secret all-keys",
		"Deployment/web container app: Secret creds",
		"Deployment/web volume data: PersistentVolumeClaim data",
		"Deployment/web volume extra: ConfigMap extra",
		"Deployment/web: Secret pull",
	}, empty.Missing(m))

	declared := (&Objects{Secrets: map[string]map[string][]byte{}, ConfigMaps: map[string]map[string]string{
		"settings": {"mode": "production"}, "extra": {},
	}}).AddSecret("pull", map[string]string{".dockerconfigjson": "{}"}).AddSecret("all-keys", nil).AddSecret("creds", map[string]string{"user": "u"})
	assert.Equal(t, []string{
		"Deployment/web container app: key password of Secret creds",
		"Deployment/web volume data: PersistentVolumeClaim data",
	}, declared.Missing(m), "a declared Secret without the key is still missing it; the optional key is not")
}
