package config_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/random"
	"github.com/stretchr/testify/require"
)

// database is a MariaDB server (Debian's, standing in for the store's MySQL) listening on
// 127.0.0.1:3306 of a network namespace of its own, which a pod joins (podrun.Options.JoinNetns)
// to reach it under the database host name of the values (podrun.Options.HostAliases).
type database struct {
	netns  string
	socket string
}

// startDatabase starts an empty MariaDB with one database and a user that owns it, and stops it
// when the test ends.
func startDatabase(t *testing.T, name, user, password string) *database {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	db := &database{netns: "podrun-db-" + strings.ToLower(random.UniqueId()), socket: filepath.Join(dir, "mysqld.sock")}
	// A temporary directory of its own: two servers bootstrapping at once in one /tmp collide.
	tmp := filepath.Join(dir, "tmp")
	require.NoError(t, os.Mkdir(tmp, 0o700))
	out, err := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+data, "--tmpdir="+tmp, "--user=root",
		"--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
	require.NoError(t, err, "mariadb-install-db: %s", out)
	out, err = exec.Command("ip", "netns", "add", db.netns).CombinedOutput()
	require.NoError(t, err, "ip netns add: %s", out)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", db.netns).Run() })
	out, err = exec.Command("ip", "-n", db.netns, "link", "set", "lo", "up").CombinedOutput()
	require.NoError(t, err, "loopback up: %s", out)

	log, err := os.Create(filepath.Join(dir, "mariadbd.log"))
	require.NoError(t, err)
	server := exec.Command("ip", "netns", "exec", db.netns, "mariadbd", "--no-defaults", "--user=root",
		"--datadir="+data, "--tmpdir="+tmp, "--socket="+db.socket, "--bind-address=127.0.0.1", "--port=3306",
		"--skip-name-resolve", "--innodb-buffer-pool-size=32M", "--log-error="+log.Name())
	server.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, server.Start())
	t.Cleanup(func() {
		_ = syscall.Kill(-server.Process.Pid, syscall.SIGTERM)
		_ = server.Wait()
		log.Close()
	})
	require.Eventually(t, func() bool {
		return exec.Command("mariadb-admin", "--no-defaults", "--socket="+db.socket, "--user=root", "ping").Run() == nil
	}, 60*time.Second, 100*time.Millisecond, "MariaDB did not start:\n%s", readFile(log.Name()))
	db.sql(t, fmt.Sprintf("CREATE DATABASE `%s`; CREATE USER '%s'@'%%' IDENTIFIED BY '%s'; GRANT ALL ON `%s`.* TO '%s'@'%%';",
		name, user, password, name, user))
	return db
}

// sql runs statements as the server's root user and returns their tab-separated output.
func (d *database) sql(t *testing.T, statements string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "mariadb", "--no-defaults", "--socket="+d.socket, "--user=root",
		"--batch", "--skip-column-names", "-e", statements).CombinedOutput()
	require.NoError(t, err, "%s: %s", statements, out)
	return strings.TrimSpace(string(out))
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
