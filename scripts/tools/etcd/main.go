// Command etcd is the etcd server, built from go.etcd.io/etcd/server/v3.
//
// `go install go.etcd.io/etcd/server/v3@VERSION` refuses to build because the
// etcd server module carries replace directives; a main in our own module
// calling etcdmain.Main builds the same program (see scripts/build-tools.sh).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
