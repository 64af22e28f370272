// Command coredns is the local cluster's DNS server: CoreDNS with the plugins a kubeadm cluster's
// Corefile uses (errors, health, ready, kubernetes, forward, cache, loop, reload, loadbalance,
// log) plus bind, and nothing else, so it builds quickly from the Go module proxy. scripts/node.sh runs it
// beside the real node's kubelet, on the pod network's gateway address.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

// The plugins in CoreDNS's own order (core/dnsserver/zdirectives.go, from its plugin.cfg): a
// request goes through them in this order.
func init() {
	dnsserver.Directives = []string{"reload", "bind", "ready", "health", "errors", "log", "loadbalance", "cache", "kubernetes", "loop", "forward"}
}

func main() {
	coremain.Run()
}
