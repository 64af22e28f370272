package deploy_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/k8s"
	"github.com/gruntwork-io/terratest/modules/logger"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/magento-k8s/charts/tests/internal/bench"
)

// BenchmarkWebPodVsDebianRealNode is the config tier's BenchmarkWebPodVsDebian on the real node
// (scripts/node.sh: containerd, runc, a kubelet): the magento2 minimal scenario's web pod with the
// stub store's image (one replica, php-fpm with the chart's default resources), on shared-services
// and a MariaDB as TestMagento2RealNode runs it, and beside it a pod of the same image running
// Debian's stock nginx and php-fpm configuration (bench.DebianSite; as root, as Debian's services
// start them, so in a namespace that does not enforce Pod Security) with the chart pod's env.php
// as a plain file. wrk runs on the host against each pod's IP (no Service in between), the pods'
// processes pinned to BENCH_POD_CPUS and wrk to BENCH_WRK_CPUS like the config tier; each side's
// CPU time per request is that of its pod's processes (the pod cgroup's). Prints the same table; run it with
// scripts/bench-web.sh node. It fails only when a side cannot serve.
func BenchmarkWebPodVsDebianRealNode(b *testing.B) {
	rounds, seconds := bench.EnvInt(b, "BENCH_ROUNDS", 3), bench.EnvInt(b, "BENCH_SECONDS", 5)
	shared, store := storeOnSharedServices(b, "bench", "magento")
	app := imageRef(b, "app")
	manifests := install(b, m2Chart, store, []string{m2Chart + "/ci/minimal-values.yaml", valuesFile(b, "store-bench", map[string]any{
		"image":   map[string]string{"registry": app["registry"], "repository": app["repository"], "tag": app["tag"]},
		"magento": map[string]any{"database": map[string]any{"host": "db." + store + ".svc.cluster.local"}},
		"web": merge(onRealNode, map[string]any{"replicaCount": 1, "php": map[string]any{"resources": map[string]any{
			"requests": map[string]string{"cpu": "500m", "memory": "2Gi"}, "limits": map[string]string{"memory": "4Gi"}}}}),
		"cron":           onRealNode,
		"consumers":      onRealNode,
		"upgrade":        onRealNode,
		"sharedServices": map[string]any{"namespace": shared},
	})}, nil)
	cs := clientset(b)
	ctx := context.Background()
	pods, err := cs.CoreV1().Pods(store).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=web"})
	require.NoError(b, err)
	require.Len(b, pods.Items, 1, "one web pod")
	chart := pods.Items[0]
	require.Equal(b, realNode, chart.Spec.NodeName)
	var chartPort int32
	var docRoot string
	var phpResources corev1.ResourceRequirements
	for _, c := range chart.Spec.Containers {
		switch c.Name {
		case "nginx":
			chartPort = c.Ports[0].ContainerPort
		case "php-fpm":
			docRoot, phpResources = c.WorkingDir, c.Resources
		}
	}
	// The configuration the chart's env.php gives in the chart's pod, as a plain env.php.
	kubectl := k8s.NewKubectlOptions(testCluster.Context, testCluster.Kubeconfig, store)
	kubectl.Logger = logger.Discard // the output holds the store's secrets
	exported, err := k8s.RunKubectlAndGetOutputE(b, kubectl,
		"exec", chart.Name, "-c", "php-fpm", "--", "php", "-r", `echo "<?php\nreturn ", var_export(include "app/etc/env.php", true), ";\n";`)
	require.NoError(b, err, exported)

	debian := startDebianWebPodOnNode(b, app["ref"], docRoot, exported, phpResources)
	chartURL := fmt.Sprintf("http://%s:%d", chart.Status.PodIP, chartPort)
	debianURL := "http://" + debian.Status.PodIP + ":80"
	for _, base := range []string{chartURL, debianURL} {
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(base + "/health_check.php")
		require.NoError(b, err, base)
		_ = resp.Body.Close()
		require.Equal(b, http.StatusOK, resp.StatusCode, base)
	}
	bench.Pin(b, podPIDs(b, chart.UID))
	bench.Pin(b, podPIDs(b, debian.UID))

	names := make([]string, 0, len(bench.DebianPaths)+1)
	paths := make([]string, 0, len(bench.DebianPaths)+1)
	conns := make([]int, 0, len(bench.DebianPaths)+1)
	for _, p := range bench.DebianPaths {
		names, paths, conns = append(names, p.Name+", 32 conns"), append(paths, p.Path), append(conns, 32)
	}
	front := bench.DebianPaths[len(bench.DebianPaths)-1]
	maxChildren := bench.PMMaxChildren(b, manifests)
	names, paths, conns = append(names, fmt.Sprintf("%s, %d conns (4× pm.max_children %d)", front.Name, 4*maxChildren, maxChildren)), append(paths, front.Path), append(conns, 4*maxChildren)
	side := func(label string, uid types.UID, base string) func(i int) bench.Result {
		return func(i int) bench.Result {
			return bench.WithCPU(b, label, func() []int { return podPIDs(b, uid) }, seconds, func() bench.Result {
				return bench.Wrk(b, "", conns[i], seconds, base+paths[i])
			})
		}
	}
	for b.Loop() {
		bench.SideBySide(b, fmt.Sprintf("web pod on the real node (magento2 minimal scenario, one replica, php-fpm's default resources) vs Debian defaults in a pod of the same image, %d rounds × %d s, wrk 2 threads on the host, nproc %d", rounds, seconds, runtime.NumCPU()),
			"path", names, rounds, side("chart", chart.UID, chartURL), side("debian", debian.UID, debianURL))
	}
}

// startDebianWebPodOnNode runs Debian's stock nginx and php-fpm from image on the real node, on
// the store tree at docRoot with env.php as its configuration, php-fpm with the chart pod's
// php-fpm resources, and returns the pod once it is Ready.
func startDebianWebPodOnNode(b *testing.B, image, docRoot, envPHP string, phpResources corev1.ResourceRequirements) *corev1.Pod {
	b.Helper()
	ns := testCluster.Namespace(b, "bench-debian")
	cs := clientset(b)
	ctx := context.Background()
	// Debian's services run both masters as root: no Pod Security here (the chart's namespace
	// enforces restricted).
	patch := `{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"privileged","pod-security.kubernetes.io/warn":"privileged","pod-security.kubernetes.io/audit":"privileged"}}}`
	_, err := cs.CoreV1().Namespaces().Patch(ctx, ns, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
	require.NoError(b, err)
	_, err = cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "debian"},
		Data:       map[string]string{"default": bench.DebianSite(b, docRoot+"/pub"), "env.php": envPHP},
	}, metav1.CreateOptions{})
	require.NoError(b, err)
	nodeSelector, _ := onRealNode["nodeSelector"].(map[string]string)
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health_check.php", Port: intstr.FromInt32(80)}}, PeriodSeconds: 1}
	config := func(items ...corev1.KeyToPath) corev1.VolumeSource {
		return corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "debian"}, Items: items}}
	}
	pod, err := cs.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "debian-web"},
		Spec: corev1.PodSpec{
			NodeSelector: nodeSelector,
			Tolerations:  []corev1.Toleration{{Key: realNodeLabel, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
			Volumes: []corev1.Volume{
				{Name: "site", VolumeSource: config(corev1.KeyToPath{Key: "default", Path: "default"})},
				{Name: "app-etc", VolumeSource: config(corev1.KeyToPath{Key: "env.php", Path: "env.php"})},
				{Name: "run-php", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			},
			Containers: []corev1.Container{
				{Name: "php-fpm", Image: image, WorkingDir: docRoot, Resources: phpResources,
					// As Debian's php8.2-fpm.service starts it.
					Command: []string{"php-fpm", "--nodaemonize", "--fpm-config", "/etc/php/8.2/fpm/php-fpm.conf"},
					VolumeMounts: []corev1.VolumeMount{
						{Name: "run-php", MountPath: "/run/php"},
						{Name: "app-etc", MountPath: docRoot + "/app/etc/env.php", SubPath: "env.php", ReadOnly: true},
					}},
				{Name: "nginx", Image: image, ReadinessProbe: probe,
					// As Debian's nginx.service starts it, in the foreground.
					Command: []string{"/usr/sbin/nginx", "-g", "daemon off;"},
					VolumeMounts: []corev1.VolumeMount{
						{Name: "site", MountPath: "/etc/nginx/sites-enabled"},
						{Name: "run-php", MountPath: "/run/php"},
					}},
			},
		},
	}, metav1.CreateOptions{})
	require.NoError(b, err)
	eventually(b, "Debian's web pod Ready on the real node", 2*time.Minute, time.Second, func(ctx context.Context) (bool, string) {
		p, err := cs.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		pod = p
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%s %v", p.Status.Phase, p.Status.ContainerStatuses)
	})
	return pod
}

// podCgroup is the pod's cgroup in a hierarchy of the real node's kubelet (cgroupfs driver,
// cgroup v1: /sys/fs/cgroup/<controller>/kubepods[/<qos>]/pod<uid>).
func podCgroup(tb testing.TB, controller string, uid types.UID) string {
	tb.Helper()
	for _, qos := range []string{"", "burstable", "besteffort"} {
		dir := filepath.Join("/sys/fs/cgroup", controller, "kubepods", qos, "pod"+string(uid))
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
	}
	tb.Fatalf("no %s cgroup for pod %s under /sys/fs/cgroup/%s/kubepods", controller, uid, controller)
	return ""
}

// podPIDs are the processes of the pod (its cgroup's cgroup.procs, every container's).
func podPIDs(tb testing.TB, uid types.UID) []int {
	tb.Helper()
	var pids []int
	require.NoError(tb, filepath.WalkDir(podCgroup(tb, "cpuacct", uid), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "cgroup.procs" {
			return err
		}
		raw, err := os.ReadFile(path)
		for _, f := range strings.Fields(string(raw)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
		return err
	}))
	return pids
}
