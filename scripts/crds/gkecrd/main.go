// Command gkecrd prints the BackendConfig and FrontendConfig
// CustomResourceDefinitions exactly as ingress-gce (GLBC, the GKE ingress
// controller) creates them, as a multi-document YAML stream on stdout.
//
// ingress-gce has no CRD manifests: cmd/glbc/main.go builds them in code at
// start-up (backendconfig.CRDMeta(), frontendconfig.CRDMeta()) and sends them
// to the API server through crd.CRDHandler.EnsureCRD, which attaches an
// OpenAPI v3 validation schema condensed from the generated openapi
// definitions of its API types. This program runs that very code path against
// a fake apiextensions clientset and records the objects EnsureCRD creates, so
// what we print is byte-for-byte the object GLBC would send (plus apiVersion
// and kind, and minus the empty status / creationTimestamp the Go struct
// always serialises).
//
// The ingress-gce version is the one in ../go.mod (scripts/crds/go.mod), whose
// k8s.io dependencies are kept at ingress-gce's own pins so the generated
// schema is the one that release produces.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset/fake"
	"k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/klog/v2"
	"sigs.k8s.io/yaml"

	"k8s.io/ingress-gce/pkg/backendconfig"
	"k8s.io/ingress-gce/pkg/crd"
	"k8s.io/ingress-gce/pkg/frontendconfig"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gkecrd:", err)
		os.Exit(1)
	}
}

func run() error {
	client := fake.NewSimpleClientset()
	var created []*apiextensionsv1.CustomResourceDefinition
	// Record every CRD GLBC creates, then store it as Established so that
	// EnsureCRD's wait for the Established condition succeeds at once (a real
	// API server sets that condition itself).
	client.PrependReactor("create", "customresourcedefinitions",
		func(action k8stesting.Action) (bool, runtime.Object, error) {
			obj := action.(k8stesting.CreateAction).GetObject().(*apiextensionsv1.CustomResourceDefinition)
			created = append(created, obj.DeepCopy())
			stored := obj.DeepCopy()
			stored.Status.Conditions = append(stored.Status.Conditions, apiextensionsv1.CustomResourceDefinitionCondition{
				Type:   apiextensionsv1.Established,
				Status: apiextensionsv1.ConditionTrue,
			})
			if err := client.Tracker().Add(stored); err != nil {
				return true, nil, err
			}
			return true, stored, nil
		})

	handler := crd.NewCRDHandler(client, klog.TODO())
	// Same metas and the same namespacedScoped argument as cmd/glbc/main.go.
	for _, meta := range []*crd.CRDMeta{backendconfig.CRDMeta(), frontendconfig.CRDMeta()} {
		if _, err := handler.EnsureCRD(meta, true); err != nil {
			return err
		}
	}
	if len(created) != 2 {
		return fmt.Errorf("expected 2 CRDs to be created, got %d", len(created))
	}

	for _, c := range created {
		for _, v := range c.Spec.Versions {
			if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				return fmt.Errorf("%s version %s: ingress-gce produced no validation schema", c.Name, v.Name)
			}
		}
		c.APIVersion = apiextensionsv1.SchemeGroupVersion.String()
		c.Kind = "CustomResourceDefinition"
		out, err := toYAML(c)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		fmt.Printf("---\n%s", out)
	}
	return nil
}

// toYAML marshals the CRD without the fields a client never sets: status and
// metadata.creationTimestamp (both serialised by the Go struct even if empty).
func toYAML(c *apiextensionsv1.CustomResourceDefinition) ([]byte, error) {
	j, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var m map[string]interface{}
	if err := json.Unmarshal(j, &m); err != nil {
		return nil, err
	}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]interface{}); ok {
		delete(md, "creationTimestamp")
	}
	return yaml.Marshal(m)
}
