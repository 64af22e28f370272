// Package render renders a chart with `helm template` (through terratest's
// helm module) and decodes the output strictly into typed k8s.io/api objects.
//
// Built-in kinds decode into their typed structs with a strict decoder, so an
// unknown or duplicated field fails the render; kinds the client-go scheme
// does not know (cert-manager, GKE, Gateway API, Prometheus Operator objects)
// become *unstructured.Unstructured. Accessors find objects by type and name
// (Get, Find), by kind and name (GetUnstructured, Manifests.Unstructured) and
// list every pod template (Manifests.PodTemplates) for policy checks.
package render
