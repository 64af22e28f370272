package existing

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// TestMissing: every kind of reference a pod makes is reported when neither rendered nor
// declared, and only then.
func TestMissing(t *testing.T) {
	t.Parallel()
	const pod = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      imagePullSecrets: [{name: pull}]
      containers:
        - name: app
          image: app
          envFrom: [{secretRef: {name: all-keys}}, {configMapRef: {name: settings}}]
          env:
            - {name: A, valueFrom: {secretKeyRef: {name: creds, key: password}}}
            - {name: B, valueFrom: {secretKeyRef: {name: creds, key: absent, optional: true}}}
            - {name: C, valueFrom: {configMapKeyRef: {name: settings, key: mode}}}
      volumes:
        - {name: data, persistentVolumeClaim: {claimName: data}}
        - {name: extra, configMap: {name: extra}}
`
	m := render.Decode(t, []byte(pod), "")
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
