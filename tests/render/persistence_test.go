package render_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// The magento2 store's volumes (templates/persistence).

func TestMagento2SharedMedia(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "production", nil)
	pvc := render.Get[*corev1.PersistentVolumeClaim](t, m, m2Name("media"))
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}, pvc.Spec.AccessModes)
	assert.Equal(t, "keep", pvc.Annotations["helm.sh/resource-policy"], "uninstall keeps the media")
	assert.Equal(t, "nfs-rwx", *pvc.Spec.StorageClassName)
	for _, pt := range m.PodTemplates() {
		v := volume(t, pt.Spec, "media")
		if pt.Kind == "Job" {
			// The upgrade hook runs before the release's claim exists; without a cluster (no
			// lookup) it renders as on a first install: an emptyDir, not a pod that never schedules.
			assert.NotNil(t, v.EmptyDir, "%s: the chart's claim is not there yet on a first install", pt.String())
			continue
		}
		require.NotNil(t, v.PersistentVolumeClaim, pt.String())
		assert.Equal(t, m2Name("media"), v.PersistentVolumeClaim.ClaimName, pt.String())
	}
	assert.Equal(t, "keep", render.Get[*corev1.PersistentVolumeClaim](t, m, m2Name("var")).Annotations["helm.sh/resource-policy"])

	existing := m2Scenario(t, "everything", nil)
	assert.False(t, has(existing, "PersistentVolumeClaim", m2Name("media")))
	for _, pt := range existing.PodTemplates() {
		if pt.Meta.Labels["app.kubernetes.io/component"] == "varnish" {
			continue // Varnish never touches files: it talks to the web pods
		}
		v := volume(t, pt.Spec, "media")
		require.NotNil(t, v.PersistentVolumeClaim, "%s mounts the existing claim, the upgrade hook too", pt.String())
		assert.Equal(t, "shop-media", v.PersistentVolumeClaim.ClaimName, pt.String())
	}
}
