// Command hostpath-provisioner is the local cluster's dynamic storage provisioner: for every
// claim of a StorageClass whose provisioner is magento.k8s.io/hostpath it creates a
// PersistentVolume backed by a directory on this machine, and removes the directory when a volume
// of a Delete class is released. It runs beside the local control plane (scripts/cluster.sh), so
// claims bind the way they do on a cluster with a storage driver: through the PV controller and a
// provisioner, never through volumes made claim by claim. The controller logic is
// sigs.k8s.io/sig-storage-lib-external-provisioner's; this file only says where the data lives.
//
// Usage: hostpath-provisioner --kubeconfig FILE --root DIR
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/sig-storage-lib-external-provisioner/v13/controller"
)

// Name is the provisioner StorageClasses name to be served by this one.
const Name = "magento.k8s.io/hostpath"

// hostPath provisions volumes as directories under root.
type hostPath struct {
	root string
}

// Provision creates the volume's directory and a PersistentVolume for the claim: its size,
// access modes and volume mode, the class's reclaim policy and mount options.
func (h *hostPath) Provision(_ context.Context, o controller.ProvisionOptions) (*corev1.PersistentVolume, controller.ProvisioningState, error) {
	if o.PVC.Spec.Selector != nil {
		return nil, controller.ProvisioningFinished, errors.New("claims with a selector are not supported")
	}
	dir := filepath.Join(h.root, o.PVName)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	// World-writable like a fresh NFS export or disk: the pods' fsGroup and users apply.
	if err := os.Chmod(dir, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	reclaim := corev1.PersistentVolumeReclaimDelete
	if o.StorageClass.ReclaimPolicy != nil {
		reclaim = *o.StorageClass.ReclaimPolicy
	}
	dirType := corev1.HostPathDirectory
	return &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: o.PVName},
		Spec: corev1.PersistentVolumeSpec{
			PersistentVolumeReclaimPolicy: reclaim,
			AccessModes:                   o.PVC.Spec.AccessModes,
			VolumeMode:                    o.PVC.Spec.VolumeMode,
			MountOptions:                  o.StorageClass.MountOptions,
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: o.PVC.Spec.Resources.Requests[corev1.ResourceStorage]},
			PersistentVolumeSource: corev1.PersistentVolumeSource{
				HostPath: &corev1.HostPathVolumeSource{Path: dir, Type: &dirType},
			},
		},
	}, controller.ProvisioningFinished, nil
}

// Delete removes the directory of a released volume of a Delete class.
func (h *hostPath) Delete(_ context.Context, pv *corev1.PersistentVolume) error {
	if pv.Spec.HostPath == nil || filepath.Dir(pv.Spec.HostPath.Path) != h.root {
		return &controller.IgnoredError{Reason: "not a volume of this provisioner's root"}
	}
	return os.RemoveAll(pv.Spec.HostPath.Path)
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster")
	root := flag.String("root", "", "directory that holds the volumes")
	klog.InitFlags(nil)
	flag.Parse()
	if *kubeconfig == "" || *root == "" {
		fmt.Fprintln(os.Stderr, "usage: hostpath-provisioner --kubeconfig FILE --root DIR")
		os.Exit(2)
	}
	abs, err := filepath.Abs(*root)
	if err == nil {
		err = os.MkdirAll(abs, 0o755)
	}
	if err != nil {
		klog.Fatalf("root %s: %v", *root, err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatalf("kubeconfig %s: %v", *kubeconfig, err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		klog.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pc := controller.NewProvisionController(ctx, client, Name, &hostPath{root: abs},
		controller.LeaderElection(false),
		controller.Threadiness(4),
	)
	klog.Infof("provisioning %s volumes under %s", Name, abs)
	pc.Run(ctx)
}
