package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// goodPod returns a pod spec that passes every check.
func goodPod() corev1.PodSpec {
	yes, no := true, false
	return corev1.PodSpec{
		AutomountServiceAccountToken: &no,
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   &yes,
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{{
			Name:  "app",
			Image: "registry.example.com:5000/shop/app:2.4.8",
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				HTTPGet: &corev1.HTTPGetAction{Path: "/health_check.php", Port: intstr.FromString("http")},
			}},
			LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(8081)},
			}},
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("1Gi"), corev1.ResourceEphemeralStorage: resource.MustParse("64Mi")},
				Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi"), corev1.ResourceEphemeralStorage: resource.MustParse("1Gi")},
			},
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: &no,
				ReadOnlyRootFilesystem:   &yes,
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
		}},
	}
}

func TestCheckRestricted(t *testing.T) {
	t.Parallel()
	assert.Empty(t, CheckRestricted(metav1.ObjectMeta{}, goodPod()))

	bad := goodPod()
	bad.SecurityContext = nil
	bad.Containers[0].SecurityContext.Capabilities = nil
	got := CheckRestricted(metav1.ObjectMeta{}, bad)
	joined := strings.Join(got, "\n")
	assert.Contains(t, joined, `unrestricted capabilities: container "app" must set securityContext.capabilities.drop=["ALL"]`)
	assert.Contains(t, joined, "runAsNonRoot != true")
	assert.Contains(t, joined, "seccompProfile")
}

func TestCheckBestPractice(t *testing.T) {
	t.Parallel()
	assert.Empty(t, CheckBestPractice("Deployment", "web", goodPod()))

	bad := goodPod()
	bad.AutomountServiceAccountToken = nil
	bad.Containers[0].Resources = corev1.ResourceRequirements{}
	bad.Containers[0].SecurityContext.ReadOnlyRootFilesystem = nil
	bad.Containers[0].Image = "shop/app:latest"
	bad.Containers[0].LivenessProbe.TCPSocket.Port = intstr.FromString("health")
	assert.Equal(t, []string{
		"Deployment/web: automountServiceAccountToken is not false",
		`Deployment/web: container "app": resources.requests.cpu is not set`,
		`Deployment/web: container "app": resources.requests.memory is not set`,
		`Deployment/web: container "app": resources.limits.memory is not set`,
		`Deployment/web: container "app": resources.limits.ephemeral-storage is not set`,
		`Deployment/web: container "app": resources.requests.ephemeral-storage is not set`,
		`Deployment/web: container "app": securityContext.readOnlyRootFilesystem is not true`,
		`Deployment/web: container "app": image "shop/app:latest" uses the "latest" tag`,
		`Deployment/web: container "app": livenessProbe names port "health", which is not one of the container's ports`,
	}, CheckBestPractice("Deployment", "web", bad))
}

func TestImageProblem(t *testing.T) {
	t.Parallel()
	for image, want := range map[string]string{
		"nginx:1.27":                         "",
		"nginx@sha256:abc":                   "",
		"nginx:1.27@sha256:abc":              "",
		"registry:5000/nginx:1.27":           "",
		"registry:5000/nginx":                "has no tag or digest",
		"nginx":                              "has no tag or digest",
		"nginx:":                             "has no tag or digest",
		"nginx:latest":                       `uses the "latest" tag`,
		"nginx@":                             "has an empty digest",
		"":                                   "is empty",
		"ghcr.io/magento-k8s/php:8.3-fpm-v1": "",
	} {
		assert.Equal(t, want, imageProblem(image), image)
	}
}

// kubeScoreBin returns the kube-score binary scripts/build-tools.sh built.
func kubeScoreBin(t *testing.T) string {
	t.Helper()
	home, err := os.UserHomeDir()
	require.NoError(t, err)
	cache := os.Getenv("MAGENTO_K8S_CACHE")
	if cache == "" {
		cache = filepath.Join(home, ".cache", "magento-k8s")
	}
	bin, err := KubeScoreBinary(filepath.Join(cache, "bin"))
	require.NoError(t, err)
	return bin
}

// A Deployment without resources, probes or a PDB scores CRITICAL; its pod template's ignore
// annotation silences exactly the checks it names.
func TestKubeScore(t *testing.T) {
	t.Parallel()
	const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: %s
    spec:
      containers:
        - name: app
          image: shop/app:1.0
`
	for _, tc := range []struct {
		name        string
		annotations string
		wantChecks  []string // CRITICAL check IDs expected (subset)
		wantAbsent  []string // check IDs that must not be CRITICAL
	}{
		{"no exceptions", "{}", []string{"container-resources", "container-image-pull-policy", "deployment-has-poddisruptionbudget"}, nil},
		{"resources ignored", `{kube-score/ignore: "container-resources"}`, []string{"container-image-pull-policy"}, []string{"container-resources", "container-ephemeral-storage-request-and-limit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			scored, err := KubeScore(kubeScoreBin(t), []byte(fmt.Sprintf(deployment, tc.annotations)), "1.37.2")
			require.NoError(t, err)
			critical := map[string]bool{}
			for _, f := range Findings(scored, GradeCritical) {
				critical[f.Check] = true
				assert.Equal(t, "Deployment/web", f.Object)
			}
			for _, id := range tc.wantChecks {
				assert.True(t, critical[id], "expected CRITICAL %s, got %v", id, critical)
			}
			for _, id := range tc.wantAbsent {
				assert.False(t, critical[id], "expected no CRITICAL %s", id)
			}
			assert.True(t, CheckIDs(scored)["pod-probes"])
		})
	}
}

func TestKubeScoreExceptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		annotations  map[string]string
		wantReasons  map[string]string
		wantProblems []string
	}{
		{"none", nil, map[string]string{}, nil},
		{"reasoned", map[string]string{
			IgnoreAnnotation:  "pod-probes, container-resources",
			ReasonsAnnotation: "pod-probes: no traffic\ncontainer-resources: no CPU limit, on purpose",
		}, map[string]string{"pod-probes": "no traffic", "container-resources": "no CPU limit, on purpose"}, nil},
		{"unreasoned and stray", map[string]string{
			IgnoreAnnotation:  "pod-probes",
			ReasonsAnnotation: "pod-networkpolicy: opt-in\nnonsense",
		}, map[string]string{}, []string{
			`kube-score.magento-k8s.io/reasons: "nonsense" is not "check-id: reason"`,
			"kube-score.magento-k8s.io/reasons: reason for pod-networkpolicy, which kube-score/ignore does not name",
			"kube-score/ignore: pod-probes has no reason in kube-score.magento-k8s.io/reasons",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reasons, problems := KubeScoreExceptions(tc.annotations)
			assert.Equal(t, tc.wantReasons, reasons)
			assert.Equal(t, tc.wantProblems, problems)
		})
	}
}
