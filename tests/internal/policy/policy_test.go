package policy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
				Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")},
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
