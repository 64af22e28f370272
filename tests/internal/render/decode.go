package render

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/version"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

// strictDecoder decodes every built-in kind into its typed struct and fails on
// unknown or duplicated fields.
var strictDecoder = serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()

// sourcePrefix starts the comment helm writes above each rendered document.
const sourcePrefix = "# Source: "

// Object is one decoded document of the rendered output.
type Object struct {
	// Source is the template the document came from, as helm's "# Source:"
	// comment names it, e.g. "magento2/templates/web/deployment.yaml".
	Source string
	// GVK is the document's apiVersion and kind.
	GVK schema.GroupVersionKind
	// Name and Namespace are the object's metadata.name and metadata.namespace.
	Name, Namespace string
	// Obj is the typed object (e.g. *appsv1.Deployment) for kinds in the
	// client-go scheme, otherwise an *unstructured.Unstructured.
	Obj runtime.Object
	// Raw is the document's YAML as helm rendered it.
	Raw []byte
}

// String returns "Kind/name" for messages.
func (o Object) String() string { return o.GVK.Kind + "/" + o.Name }

// Manifests is the decoded output of one render.
type Manifests struct {
	// Objects are the non-empty documents in rendered order.
	Objects []Object
	// Raw is helm's complete stdout, for golden files.
	Raw []byte
	// Stderr is what helm printed on stderr (warnings), if anything.
	Stderr string
}

// Decode splits a multi-document helm output into objects and decodes them
// strictly; see DecodeE. It fails the test on error.
func Decode(tb testing.TB, raw []byte, kubeVersion string) *Manifests {
	tb.Helper()
	m, err := DecodeE(raw, kubeVersion)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// DecodeE splits a multi-document helm output into objects, skipping empty
// documents. Built-in kinds decode strictly into typed objects; a document of
// a built-in API group with an unknown kind or version, one whose API version
// was removed at or before kubeVersion (e.g. "1.37.2"; empty skips the
// check), one without apiVersion, kind or metadata.name, and two objects with
// the same kind, namespace and name are errors. Other kinds decode into
// *unstructured.Unstructured.
func DecodeE(raw []byte, kubeVersion string) (*Manifests, error) {
	var kv *version.Version
	if kubeVersion != "" {
		v, err := version.ParseGeneric(kubeVersion)
		if err != nil {
			return nil, fmt.Errorf("kube version %q: %w", kubeVersion, err)
		}
		kv = v
	}
	m := &Manifests{Raw: raw}
	seen := map[string]string{}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(raw)))
	var errs []error
	for i := 0; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if isEmptyDoc(doc) {
			continue
		}
		obj, err := decodeDoc(doc, kv)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", describeDoc(doc, i), err))
			continue
		}
		key := fmt.Sprintf("%s/%s/%s", obj.GVK.GroupKind(), obj.Namespace, obj.Name)
		if prev, dup := seen[key]; dup {
			errs = append(errs, fmt.Errorf("%s: duplicate %s (also in %s)", describeDoc(doc, i), obj, prev))
			continue
		}
		seen[key] = obj.Source
		m.Objects = append(m.Objects, obj)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeDoc decodes one non-empty document.
func decodeDoc(doc []byte, kv *version.Version) (Object, error) {
	o := Object{Source: sourceOf(doc), Raw: doc}
	obj, gvk, err := strictDecoder.Decode(doc, nil, nil)
	switch {
	case err == nil:
		if err := checkRemoved(obj, gvk, kv); err != nil {
			return o, err
		}
	case runtime.IsNotRegisteredError(err) || runtime.IsMissingKind(err) || runtime.IsMissingVersion(err):
		u, gvk2, uerr := decodeUnstructured(doc)
		if uerr != nil {
			return o, uerr
		}
		if scheme.Scheme.IsGroupRegistered(gvk2.Group) {
			return o, fmt.Errorf("%s is not a known kind of built-in API group %q: %w", gvk2, gvk2.Group, err)
		}
		obj, gvk = u, gvk2
	default:
		return o, err
	}
	acc, err := meta.Accessor(obj)
	if err != nil {
		return o, err
	}
	if acc.GetName() == "" {
		return o, errors.New("metadata.name is empty")
	}
	o.Obj, o.GVK, o.Name, o.Namespace = obj, *gvk, acc.GetName(), acc.GetNamespace()
	return o, nil
}

// decodeUnstructured decodes a document of a kind outside the scheme,
// rejecting duplicate keys and documents without apiVersion or kind.
func decodeUnstructured(doc []byte) (*unstructured.Unstructured, *schema.GroupVersionKind, error) {
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return nil, nil, err
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(js); err != nil {
		return nil, nil, err
	}
	gvk := u.GroupVersionKind()
	if gvk.Kind == "" || gvk.Version == "" {
		return nil, nil, errors.New("apiVersion or kind is empty")
	}
	return u, &gvk, nil
}

// lifecycleRemoved is implemented by k8s.io/api types that have a planned or
// past removal release.
type lifecycleRemoved interface {
	APILifecycleRemoved() (major, minor int)
}

// checkRemoved fails for a typed object whose API version the target
// Kubernetes version no longer serves.
func checkRemoved(obj runtime.Object, gvk *schema.GroupVersionKind, kv *version.Version) error {
	r, ok := obj.(lifecycleRemoved)
	if !ok || kv == nil {
		return nil
	}
	major, minor := r.APILifecycleRemoved()
	if major == 0 {
		return nil
	}
	if kv.Major() > uint(major) || (kv.Major() == uint(major) && kv.Minor() >= uint(minor)) {
		return fmt.Errorf("%s was removed in Kubernetes %d.%d (target %s)", gvk, major, minor, kv)
	}
	return nil
}

// isEmptyDoc reports whether doc holds only comments and white space.
func isEmptyDoc(doc []byte) bool {
	for line := range strings.Lines(string(doc)) {
		t := strings.TrimSpace(line)
		if t != "" && !strings.HasPrefix(t, "#") && t != "---" {
			return false
		}
	}
	return true
}

// sourceOf returns the template path of helm's "# Source:" comment, if any.
func sourceOf(doc []byte) string {
	for line := range strings.Lines(string(doc)) {
		if s, ok := strings.CutPrefix(strings.TrimSpace(line), sourcePrefix); ok {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// describeDoc names a document for error messages by its source template or
// its index.
func describeDoc(doc []byte, i int) string {
	if s := sourceOf(doc); s != "" {
		return s
	}
	return fmt.Sprintf("document %d", i)
}
