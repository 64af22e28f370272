package cluster

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/random"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// Namespace creates a namespace named prefix-<random> that enforces Pod Security "restricted"
// (so the API server itself rejects any pod that would not pass), and deletes it when the test
// and its subtests end, unless MAGENTO_K8S_KEEP_CLUSTER is set.
func (c *Cluster) Namespace(tb testing.TB, prefix string) string {
	tb.Helper()
	cs, err := c.Clientset()
	if err != nil {
		tb.Fatal(err)
	}
	name := fmt.Sprintf("%s-%s", prefix, strings.ToLower(random.UniqueId()))
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: name,
		Labels: map[string]string{
			"pod-security.kubernetes.io/enforce":         "restricted",
			"pod-security.kubernetes.io/enforce-version": "latest",
			"pod-security.kubernetes.io/warn":            "restricted",
			"pod-security.kubernetes.io/audit":           "restricted",
			"magento.k8s.io/test":                        "true",
		},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		tb.Fatalf("create namespace %s: %v", name, err)
	}
	// The ServiceAccount admission needs the namespace's default ServiceAccount before pods.
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := cs.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		tb.Fatalf("namespace %s: no default ServiceAccount: %v", name, err)
	}
	tb.Cleanup(func() {
		if keep() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = cs.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{})
	})
	return name
}
