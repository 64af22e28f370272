package render

import (
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Get returns the object of type T (e.g. *appsv1.Deployment) named name. It
// fails the test, listing the objects that were rendered, when there is none.
func Get[T runtime.Object](tb testing.TB, m *Manifests, name string) T {
	tb.Helper()
	var sameType []string
	for _, o := range m.Objects {
		if v, ok := o.Obj.(T); ok {
			if o.Name == name {
				return v
			}
			sameType = append(sameType, o.Name)
		}
	}
	var zero T
	tb.Fatalf("no %T named %q rendered; of that type: [%s]; all objects: [%s]",
		zero, name, strings.Join(sameType, ", "), strings.Join(m.Names(), ", "))
	return zero
}

// GetIn is Get for a release that renders objects of one name into several namespaces (the
// shared-services chart's per-environment objects): the object of type T named name in namespace.
func GetIn[T runtime.Object](tb testing.TB, m *Manifests, namespace, name string) T {
	tb.Helper()
	var found []string
	for _, o := range m.Objects {
		if v, ok := o.Obj.(T); ok {
			if o.Name == name && o.Namespace == namespace {
				return v
			}
			found = append(found, o.Namespace+"/"+o.Name)
		}
	}
	var zero T
	tb.Fatalf("no %T %s/%s rendered; of that type: [%s]", zero, namespace, name, strings.Join(found, ", "))
	return zero
}

// Find returns every object of type T in rendered order.
func Find[T runtime.Object](m *Manifests) []T {
	var out []T
	for _, o := range m.Objects {
		if v, ok := o.Obj.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// Names returns "Kind/name" for every object, in rendered order.
func (m *Manifests) Names() []string {
	out := make([]string, len(m.Objects))
	for i, o := range m.Objects {
		out[i] = o.String()
	}
	return out
}

// Lookup returns the Object entry of the given kind and name. kind is a bare
// kind ("Certificate") or kind.group ("Certificate.cert-manager.io").
func (m *Manifests) Lookup(kind, name string) (Object, bool) {
	for _, o := range m.Objects {
		if o.Name == name && matchKind(o, kind) {
			return o, true
		}
	}
	return Object{}, false
}

// Unstructured returns the object of the given kind and name as unstructured
// content, or nil when it was not rendered. kind is a bare kind
// ("ManagedCertificate") or kind.group ("HTTPRoute.gateway.networking.k8s.io").
// Typed objects of built-in kinds are converted, so this works for any kind.
func (m *Manifests) Unstructured(kind, name string) *unstructured.Unstructured {
	o, ok := m.Lookup(kind, name)
	if !ok {
		return nil
	}
	return toUnstructured(o)
}

// GetUnstructured is like Manifests.Unstructured but fails the test, listing
// what was rendered, when the object is missing.
func GetUnstructured(tb testing.TB, m *Manifests, kind, name string) *unstructured.Unstructured {
	tb.Helper()
	u := m.Unstructured(kind, name)
	if u == nil {
		tb.Fatalf("no %s named %q rendered; all objects: [%s]", kind, name, strings.Join(m.Names(), ", "))
	}
	return u
}

// AllUnstructured returns every object as unstructured content, in rendered order.
func (m *Manifests) AllUnstructured() []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, 0, len(m.Objects))
	for _, o := range m.Objects {
		out = append(out, toUnstructured(o))
	}
	return out
}

// FindUnstructured returns every object of the given kind (bare or kind.group)
// as unstructured content, in rendered order.
func (m *Manifests) FindUnstructured(kind string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range m.Objects {
		if matchKind(o, kind) {
			out = append(out, toUnstructured(o))
		}
	}
	return out
}

// matchKind reports whether o is of kind, given bare or as kind.group.
func matchKind(o Object, kind string) bool {
	if k, group, ok := strings.Cut(kind, "."); ok {
		return o.GVK.Kind == k && o.GVK.Group == group
	}
	return o.GVK.Kind == kind
}

// toUnstructured returns o's object as unstructured content, converting a
// typed object.
func toUnstructured(o Object) *unstructured.Unstructured {
	if u, ok := o.Obj.(*unstructured.Unstructured); ok {
		return u
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o.Obj)
	if err != nil {
		// Every scheme type converts; a failure here is a programming error.
		panic(fmt.Sprintf("convert %s to unstructured: %v", o, err))
	}
	u := &unstructured.Unstructured{Object: content}
	u.SetGroupVersionKind(o.GVK)
	return u
}

// PodTemplate is a pod template found in the rendered objects, with the
// object that owns it.
type PodTemplate struct {
	// Kind and Name identify the owner: Deployment, StatefulSet, DaemonSet,
	// ReplicaSet, Job, CronJob, PodTemplate or a bare Pod.
	Kind, Name string
	// Source is the owner's template path.
	Source string
	// Meta and Spec are the pod template's metadata and spec (for a bare Pod,
	// the Pod's own).
	Meta metav1.ObjectMeta
	Spec corev1.PodSpec
}

// String returns "Kind/name" for messages.
func (p PodTemplate) String() string { return p.Kind + "/" + p.Name }

// Containers returns a pod spec's init containers followed by its containers.
func Containers(spec corev1.PodSpec) []corev1.Container {
	return append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
}

// PodTemplates returns every pod template of the rendered workloads in
// rendered order.
func (m *Manifests) PodTemplates() []PodTemplate {
	var out []PodTemplate
	for _, o := range m.Objects {
		var t *corev1.PodTemplateSpec
		switch v := o.Obj.(type) {
		case *appsv1.Deployment:
			t = &v.Spec.Template
		case *appsv1.StatefulSet:
			t = &v.Spec.Template
		case *appsv1.DaemonSet:
			t = &v.Spec.Template
		case *appsv1.ReplicaSet:
			t = &v.Spec.Template
		case *batchv1.Job:
			t = &v.Spec.Template
		case *batchv1.CronJob:
			t = &v.Spec.JobTemplate.Spec.Template
		case *corev1.ReplicationController:
			t = v.Spec.Template
		case *corev1.PodTemplate:
			t = &v.Template
		case *corev1.Pod:
			t = &corev1.PodTemplateSpec{ObjectMeta: v.ObjectMeta, Spec: v.Spec}
		}
		if t == nil {
			continue
		}
		out = append(out, PodTemplate{Kind: o.GVK.Kind, Name: o.Name, Source: o.Source, Meta: t.ObjectMeta, Spec: t.Spec})
	}
	return out
}
