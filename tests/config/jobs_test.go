package config_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/chartutil"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

// magentoCall is one call of the stub bin/magento, as it logged it, with the configuration it
// read the ways Magento reads it (app/etc/env.php, $_ENV).
type magentoCall struct {
	Args        []string       `json:"args"`
	Maintenance bool           `json:"maintenance"`
	UID         int64          `json:"uid"`
	Cron        map[string]any `json:"cron"` // group → system/cron/<group>/use_separate_process
	Queue       struct {
		ConsumersWaitForMessages any `json:"consumers_wait_for_messages"`
		CronRun                  any `json:"cron_run"`
	} `json:"queue"`
	Frontname string            `json:"frontname"`
	Purges    map[string]string `json:"purges"` // cache host → Varnish's status line
}

// stubApp returns the stub store with app/etc/stub.json telling bin/magento which exit codes to
// return and how long to take, per command.
func stubApp(t *testing.T, exit, sleep map[string]int) string {
	t.Helper()
	return stubAppWith(t, map[string]any{"exit": exit, "sleep": sleep})
}

// stubAppWith returns the stub store with behaviour as app/etc/stub.json.
func stubAppWith(t *testing.T, behaviour map[string]any) string {
	t.Helper()
	return stubTree(t, "app", behaviour)
}

// stubTree returns a copy of the stub tree tests/config/testdata/<tree> (the Magento 2 store
// "app" or "openmage") whose app/etc/stub.json holds state: how the stub behaves in this test.
func stubTree(t *testing.T, tree string, state map[string]any) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join(repo.Root(t), "tests/config/testdata", tree))))
	raw, err := json.Marshal(state)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app/etc/stub.json"), raw, 0o644))
	return dir
}

// magentoCalls reads the stub's call log from the pod's var volume.
func magentoCalls(t *testing.T, pod *podrun.Pod) []magentoCall {
	t.Helper()
	f, err := os.Open(filepath.Join(pod.Volume("var"), "stub-magento.log"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	defer f.Close()
	var calls []magentoCall
	s := bufio.NewScanner(f)
	for s.Scan() {
		var c magentoCall
		require.NoError(t, json.Unmarshal(s.Bytes(), &c), s.Text())
		calls = append(calls, c)
	}
	require.NoError(t, s.Err())
	return calls
}

// commands returns the calls as "command arg…" strings.
func commands(calls []magentoCall) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = strings.Join(c.Args, " ")
	}
	return out
}

// exitCode returns a container's exit code from its Wait error.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestMagento2UpgradeJob runs the upgrade hook Job's pod against a stub bin/magento and checks
// the script's decisions: maintenance only while upgrading and always switched off again (on
// failure and when the pod is stopped), config import on changes, a missing installation failing
// or skipped as configured, and every call as the pod's user with a writable app/etc.
func TestMagento2UpgradeJob(t *testing.T) {
	t.Parallel()
	const (
		status       = "setup:db:status"
		enable       = "maintenance:enable"
		upgrade      = "setup:upgrade --keep-generated --no-interaction"
		configStatus = "app:config:status"
		configImport = "app:config:import --no-interaction"
		disable      = "maintenance:disable"
	)
	for _, tc := range []struct {
		name       string
		set        map[string]string
		exit       map[string]int
		sleep      map[string]int
		stopDuring string // SIGTERM to the container while this command runs
		wantExit   int
		want       []string
	}{
		{name: "up to date", want: []string{status, configStatus}},
		{name: "up to date without config import", set: map[string]string{"upgrade.configImport": "false"}, want: []string{status}},
		{name: "configuration changed", exit: map[string]int{"app:config:status": 2}, want: []string{status, configStatus, configImport}},
		{name: "upgrade needed", exit: map[string]int{status: 2}, want: []string{status, enable, upgrade, configImport, disable}},
		{name: "upgrade fails", exit: map[string]int{status: 2, "setup:upgrade": 1}, wantExit: 1, want: []string{status, enable, upgrade, disable}},
		{name: "config import fails", exit: map[string]int{status: 2, "app:config:import": 1}, wantExit: 1, want: []string{status, enable, upgrade, configImport, disable}},
		{name: "maintenance cannot be enabled", exit: map[string]int{status: 2, enable: 1}, wantExit: 1, want: []string{status, enable, disable}},
		{name: "stopped during upgrade", exit: map[string]int{status: 2}, sleep: map[string]int{"setup:upgrade": 60}, stopDuring: "setup:upgrade",
			wantExit: 143, want: []string{status, enable, upgrade, disable}},
		{name: "not installed", exit: map[string]int{status: 1}, wantExit: 1, want: []string{status}},
		{name: "not installed, skipped", set: map[string]string{"upgrade.onNotInstalled": "skip"}, exit: map[string]int{status: 1}, want: []string{status}},
		{name: "status fails", exit: map[string]int{status: 3}, wantExit: 3, want: []string{status}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := render.Options{ValuesFiles: []string{m2Chart + "/ci/minimal-values.yaml"}, SetValues: tc.set}
			m := render.Render(t, m2Chart, opts)
			job := render.Get[*batchv1.Job](t, m, m2Name("upgrade"))
			pod := runPod(t, m, job.Spec.Template.Spec, opts, os.DirFS(stubApp(t, tc.exit, tc.sleep)))
			if tc.stopDuring != "" {
				require.Eventually(t, func() bool {
					calls := magentoCalls(t, pod)
					return len(calls) > 0 && calls[len(calls)-1].Args[0] == tc.stopDuring
				}, 30*time.Second, 50*time.Millisecond, "%s started", tc.stopDuring)
				require.NoError(t, pod.Signal("upgrade", syscall.SIGTERM))
			}
			done, err := pod.Wait("upgrade", 60*time.Second)
			require.True(t, done, "the upgrade container did not finish:\n%s", pod.Logs("upgrade"))
			assert.Equal(t, tc.wantExit, exitCode(err), pod.Logs("upgrade"))

			calls := magentoCalls(t, pod)
			assert.Equal(t, tc.want, commands(calls), pod.Logs("upgrade"))
			uid := job.Spec.Template.Spec.SecurityContext.RunAsUser
			require.NotNil(t, uid)
			for _, c := range calls {
				assert.Equal(t, *uid, c.UID, "bin/magento %s runs as the pod's user", c.Args[0])
				assert.Equal(t, "admin", c.Frontname, "bin/magento %s reads the chart's env.php (its writable copy)", c.Args[0])
				// The flag is set exactly between maintenance:enable and maintenance:disable.
				inMaintenance := c.Args[0] == "setup:upgrade" || (c.Args[0] == "app:config:import" && tc.exit[status] == 2) || c.Args[0] == "maintenance:disable"
				if tc.exit[enable] != 0 {
					inMaintenance = c.Args[0] == "maintenance:disable"
				}
				assert.Equal(t, inMaintenance, c.Maintenance, "maintenance flag during %s", c.Args[0])
			}
			assert.NoFileExists(t, filepath.Join(pod.Volume("var"), ".maintenance.flag"), "maintenance is never left on")
		})
	}
}

// TestMagento2CronJobs runs one pod of every CronJob of every scenario against the stub
// bin/magento: each runs cron:run once with its own arguments, in the foreground, as the pod's
// user, with its groups' use_separate_process turned off, and exits by itself.
func TestMagento2CronJobs(t *testing.T) {
	t.Parallel()
	for _, s := range render.Scenarios(t, m2Chart) {
		opts, m := s.Options, s.Manifests
		for _, cj := range render.Find[*batchv1.CronJob](m) {
			if cj.Name == m2Name("upgrade") || cj.Name == m2Name("consumers") {
				continue // the manual upgrade (the upgrade Job's pod) and the consumers: own tests
			}
			t.Run(s.Name+"/"+cj.Name, func(t *testing.T) {
				t.Parallel()
				spec := cj.Spec.JobTemplate.Spec.Template.Spec
				require.Len(t, spec.Containers, 1, "a cron pod has one container: nothing keeps the Job alive")
				c := spec.Containers[0]
				pod := runPod(t, m, spec, opts, nil)
				done, err := pod.Wait(c.Name, 60*time.Second)
				require.True(t, done, "cron:run did not exit:\n%s", pod.Logs(c.Name))
				require.NoError(t, err, pod.Logs(c.Name))
				calls := magentoCalls(t, pod)
				require.Len(t, calls, 1, "one bin/magento call per run")
				call := calls[0]
				assert.Equal(t, "cron:run", call.Args[0])
				assert.Equal(t, *spec.SecurityContext.RunAsUser, call.UID)
				// The groups this entry runs stay in its process (use_separate_process "0", as
				// module-cron's ProcessCronQueueObserver reads system/cron/<group>/...): nothing
				// forks into the background of a pod that ends with cron:run.
				groups := cronGroups(t, render.Values(t, m2Chart, opts), strings.TrimPrefix(cj.Name, m2Name("cron-")))
				require.NotEmpty(t, groups, "cron.jobs %s lists its groups", cj.Name)
				for _, g := range groups {
					assert.Equal(t, "0", call.Cron[g], "group %s runs in the cron:run process", g)
				}
				// The args after cron:run are the entry's own.
				args := c.Command[len(c.Command)-len(call.Args):]
				assert.Equal(t, []string(args), call.Args)
			})
		}
	}
}

// TestMagento2Consumers runs the consumers CronJob's pod of every scenario against the stub: it
// lists the consumers (unless consumers.only names them) and runs each once, in the foreground,
// single-threaded, bounded by maxMessages, skipping those with their own Deployment, with
// consumers_wait_for_messages off so each exits when its queue is empty; consumers_runner (which
// would fork them from cron) is off. A failing consumer does not stop the others, but fails the run.
func TestMagento2Consumers(t *testing.T) {
	t.Parallel()
	listed := []string{"async.operations.all", "product_action_attribute.update", "exportProcessor", "placeOrder"}
	for _, tc := range []struct {
		name     string
		scenario string
		set      map[string]string
		exit     map[string]int
		wantExit int
	}{
		{name: "minimal", scenario: "minimal"},
		{name: "everything", scenario: "everything"},
		{name: "only", scenario: "minimal", set: map[string]string{"consumers.only": "{exportProcessor,async.operations.all}"}},
		{name: "a consumer fails", scenario: "minimal", exit: map[string]int{"queue:consumers:start": 1}, wantExit: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := render.Options{ValuesFiles: []string{m2Chart + "/ci/" + tc.scenario + "-values.yaml"}, SetValues: tc.set}
			m := render.Render(t, m2Chart, opts)
			vals := render.Values(t, m2Chart, opts)
			cj := render.Get[*batchv1.CronJob](t, m, m2Name("consumers"))
			assert.Equal(t, batchv1.ForbidConcurrent, cj.Spec.ConcurrencyPolicy)
			spec := cj.Spec.JobTemplate.Spec.Template.Spec
			require.Len(t, spec.Containers, 1)
			pod := runPod(t, m, spec, opts, os.DirFS(stubAppWith(t, map[string]any{"consumers": listed, "exit": tc.exit})))
			done, err := pod.Wait("consumers", 60*time.Second)
			require.True(t, done, "the consumers did not finish:\n%s", pod.Logs("consumers"))
			assert.Equal(t, tc.wantExit, exitCode(err), pod.Logs("consumers"))

			consumers, _ := vals.PathValue("consumers.maxMessages")
			maxMessages := fmt.Sprint(consumers)
			var want []string
			only := valueStrings(t, vals, "consumers.only")
			if len(only) == 0 {
				want = append(want, "queue:consumers:list")
			}
			skip := map[string]bool{}
			deployments, _ := table(t, vals, "consumers")["deployments"].([]any)
			for _, d := range deployments {
				skip[d.(map[string]any)["consumer"].(string)] = true
			}
			run := listed
			if len(only) > 0 {
				run = only
			}
			for _, c := range run {
				if !skip[c] {
					want = append(want, "queue:consumers:start "+c+" --single-thread --max-messages="+maxMessages)
				}
			}
			calls := magentoCalls(t, pod)
			assert.Equal(t, want, commands(calls))
			for _, c := range calls {
				// Typed as Magento compares them: CallbackInvoker waits only on === 1,
				// ConsumersRunner runs only on a truthy cron_run.
				assert.Equal(t, float64(0), c.Queue.ConsumersWaitForMessages, "consumers exit when their queue is empty")
				assert.Equal(t, false, c.Queue.CronRun, "consumers_runner is off")
			}
		})
	}
}

// TestMagento2ConsumerDeployments runs each dedicated consumer's pod (everything scenario): the
// consumer waits for messages, and when it exits (here at once) it starts again after the delay,
// in the foreground; deleting the pod stops it at once.
func TestMagento2ConsumerDeployments(t *testing.T) {
	t.Parallel()
	opts := render.Options{ValuesFiles: []string{m2Chart + "/ci/everything-values.yaml"}}
	m := render.Render(t, m2Chart, opts)
	vals := render.Values(t, m2Chart, opts)
	deployments, _ := table(t, vals, "consumers")["deployments"].([]any)
	require.NotEmpty(t, deployments, "the everything scenario has a dedicated consumer")
	for _, raw := range deployments {
		d := raw.(map[string]any)
		t.Run(d["name"].(string), func(t *testing.T) {
			t.Parallel()
			dep := render.Get[*appsv1.Deployment](t, m, m2Name("consumer-"+d["name"].(string)))
			assert.EqualValues(t, d["replicas"], *dep.Spec.Replicas)
			spec := dep.Spec.Template.Spec
			pod := runPod(t, m, spec, opts, nil)
			require.Eventually(t, func() bool { return len(magentoCalls(t, pod)) >= 2 }, 20*time.Second, 100*time.Millisecond,
				"the consumer starts again after it exits:\n%s", pod.Logs("consumer"))
			for _, c := range magentoCalls(t, pod)[:2] {
				assert.Equal(t, []string{"queue:consumers:start", d["consumer"].(string), "--single-thread", "--max-messages=" + fmt.Sprint(table(t, vals, "consumers")["maxMessages"])}, c.Args)
				assert.Equal(t, float64(1), c.Queue.ConsumersWaitForMessages, "a dedicated consumer waits for messages (=== 1)")
			}
			for _, term := range pod.Terminate() {
				assert.False(t, term.Killed, "%s ignored SIGTERM", term.Container)
				assert.Less(t, term.Exited, 10*time.Second, "%s stops at once", term.Container)
			}
		})
	}
}

// cronGroups returns the groups of the cron.jobs entry called name.
func cronGroups(t *testing.T, vals chartutil.Values, name string) []string {
	t.Helper()
	jobs, _ := table(t, vals, "cron")["jobs"].([]any)
	for _, j := range jobs {
		job := j.(map[string]any)
		if job["name"] == name {
			groups, _ := job["groups"].([]any)
			out := make([]string, len(groups))
			for i, g := range groups {
				out[i] = fmt.Sprint(g)
			}
			return out
		}
	}
	t.Fatalf("no cron.jobs entry %s", name)
	return nil
}

// valueStrings returns a list of strings from the merged values.
func valueStrings(t *testing.T, vals chartutil.Values, path string) []string {
	t.Helper()
	parent, key := path[:strings.LastIndex(path, ".")], path[strings.LastIndex(path, ".")+1:]
	list, _ := table(t, vals, parent)[key].([]any)
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = fmt.Sprint(v)
	}
	return out
}

// table returns a map of the merged values.
func table(t *testing.T, vals chartutil.Values, path string) chartutil.Values {
	t.Helper()
	tbl, err := vals.Table(path)
	require.NoError(t, err, path)
	return tbl
}

// TestMagento2NothingRunsDuringMaintenance: with Magento's maintenance flag on the shared var/
// volume (an upgrade runs; production scenario), the cron and consumers pods exit without calling
// bin/magento, and a dedicated consumer waits; once the flag is gone the consumer starts.
func TestMagento2NothingRunsDuringMaintenance(t *testing.T) {
	t.Parallel()
	opts := render.Options{ValuesFiles: []string{m2Chart + "/ci/production-values.yaml"}}
	m := render.Render(t, m2Chart, opts)
	withFlag := func(t *testing.T) fs.FS {
		t.Helper()
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, ".maintenance.flag"), nil, 0o644))
		return os.DirFS(dir)
	}
	for _, cj := range render.Find[*batchv1.CronJob](m) {
		if cj.Spec.Suspend != nil && *cj.Spec.Suspend {
			continue // the manual upgrade
		}
		t.Run(cj.Name, func(t *testing.T) {
			t.Parallel()
			spec := cj.Spec.JobTemplate.Spec.Template.Spec
			require.True(t, hasVolumeClaim(spec, "var"), "the production scenario shares var/")
			pod := runPodWithVolumes(t, m, spec, opts, map[string]fs.FS{"var": withFlag(t)})
			name := spec.Containers[0].Name
			done, err := pod.Wait(name, 30*time.Second)
			require.True(t, done, pod.Logs(name))
			require.NoError(t, err, pod.Logs(name))
			assert.Empty(t, magentoCalls(t, pod), "nothing ran during maintenance")
			assert.Contains(t, pod.Logs(name), "maintenance mode")
		})
	}
	t.Run("dedicated consumer", func(t *testing.T) {
		t.Parallel()
		set := map[string]string{"consumers.deployments[0].name": "orders", "consumers.deployments[0].consumer": "placeOrder"}
		o := render.Options{ValuesFiles: opts.ValuesFiles, SetValues: set}
		mm := render.Render(t, m2Chart, o)
		spec := render.Get[*appsv1.Deployment](t, mm, m2Name("consumer-orders")).Spec.Template.Spec
		pod := runPodWithVolumes(t, mm, spec, o, map[string]fs.FS{"var": withFlag(t)})
		require.Eventually(t, func() bool { return strings.Contains(pod.Logs("consumer"), "maintenance mode") }, 20*time.Second, 50*time.Millisecond,
			"the consumer sees the flag and waits:\n%s", pod.Logs("consumer"))
		assert.Empty(t, magentoCalls(t, pod), "the consumer waits while maintenance is on")
		require.NoError(t, os.Remove(filepath.Join(pod.Volume("var"), ".maintenance.flag")))
		require.Eventually(t, func() bool { return len(magentoCalls(t, pod)) > 0 }, 20*time.Second, 100*time.Millisecond,
			"the consumer starts once maintenance is off:\n%s", pod.Logs("consumer"))
	})
}

func hasVolumeClaim(spec corev1.PodSpec, name string) bool {
	for _, v := range spec.Volumes {
		if v.Name == name && v.PersistentVolumeClaim != nil {
			return true
		}
	}
	return false
}

// TestMagento2UpgradeJobInstalls runs the upgrade hook Job against a real, empty MariaDB with
// upgrade.onNotInstalled "install": setup:db:status fails on the empty database, the Job's
// db-state.php (through env.php's connection) finds no table at all, and setup:install runs once
// with the store's settings and the admin user from its Secret, writing only the Job's own copy
// of env.php; the next run finds Magento installed and installs nothing. A database that holds
// other tables, an unreachable one, or "fail" install nothing.
func TestMagento2UpgradeJobInstalls(t *testing.T) {
	t.Parallel()
	set := map[string]string{"upgrade.onNotInstalled": "install", "upgrade.install.adminSecret": "shop-admin"}
	admin := map[string]string{"username": "shopadmin", "password": "admin-Passw0rd", "email": "admin@shop.example.com"}
	// The minimal scenario's database: mysql.shop.svc.cluster.local, magento / magento / change-me.
	const dbHost = "mysql.shop.svc.cluster.local"
	run := func(t *testing.T, set map[string]string, db *database) (*podrun.Pod, int) {
		t.Helper()
		opts := render.Options{ValuesFiles: []string{m2Chart + "/ci/minimal-values.yaml"}, SetValues: set}
		m := render.Render(t, m2Chart, opts)
		job := render.Get[*batchv1.Job](t, m, m2Name("upgrade"))
		pre := existing.For(t, m2Chart, opts.ValuesFiles).AddSecret("shop-admin", admin)
		app := os.DirFS(stubAppWith(t, map[string]any{"database": true}))
		pod := runPodExisting(t, m, job.Spec.Template.Spec, opts, pre, app, nil, func(o *podrun.Options) {
			if db != nil {
				o.JoinNetns = db.netns
				o.HostAliases = map[string]string{dbHost: "127.0.0.1"}
			}
		})
		done, err := pod.Wait("upgrade", 90*time.Second)
		require.True(t, done, "the upgrade container did not finish:\n%s", pod.Logs("upgrade"))
		return pod, exitCode(err)
	}

	t.Run("empty database: installed once", func(t *testing.T) {
		t.Parallel()
		db := startDatabase(t, "magento", "magento", "change-me")
		pod, code := run(t, set, db)
		require.Equal(t, 0, code, pod.Logs("upgrade"))
		calls := commands(magentoCalls(t, pod))
		require.Len(t, calls, 2, pod.Logs("upgrade"))
		assert.Equal(t, "setup:db:status", calls[0])
		assert.True(t, strings.HasPrefix(calls[1], "setup:install "), calls[1])
		assert.Contains(t, pod.Logs("upgrade"), "installing Magento")

		// setup:install got the store's settings, not its own defaults (localhost, root).
		raw, err := os.ReadFile(filepath.Join(pod.Volume("var"), "stub-install.json"))
		require.NoError(t, err)
		var got map[string]string
		require.NoError(t, json.Unmarshal(raw, &got))
		for option, want := range map[string]string{
			"db-host": dbHost + ":3306", "db-name": "magento", "db-user": "magento", "db-password": "change-me",
			"backend-frontname": "admin", "admin-user": admin["username"], "admin-password": admin["password"],
			"admin-email": admin["email"], "search-engine": "opensearch",
			// The hook reaches the shared services by the ExternalName Services' targets: the
			// environment's own Redis pair (tenant "<namespace>-<release>").
			"opensearch-host": "opensearch.shared-services.svc.cluster.local", "cache-backend-redis-server": "shop-test-shop-redis-cache.shared-services.svc.cluster.local",
			"session-save": "redis", "session-save-redis-host": "shop-test-shop-redis-sessions.shared-services.svc.cluster.local",
			"cache-backend-redis-db": "0", "page-cache-redis-db": "1", "session-save-redis-db": "2",
		} {
			assert.Equal(t, want, got[option], "setup:install --%s", option)
		}
		assert.Len(t, got["key"], 32, "the crypt key the chart keeps")
		assert.Equal(t, "1", db.sql(t, "SELECT COUNT(*) FROM magento.setup_module"), "the schema is there")

		// What setup:install wrote went to the Job's own copy; the chart's env.php is untouched.
		written, err := os.ReadFile(filepath.Join(pod.Volume("app-etc-copy"), "env.php"))
		require.NoError(t, err)
		chart, err := os.ReadFile(filepath.Join(pod.Volume("app-etc"), "env.php"))
		require.NoError(t, err)
		assert.NotContains(t, string(written), "getenv(", "setup:install rewrote the Job's copy with literal values")
		assert.Contains(t, string(written), dbHost, "setup:install rewrote the Job's copy with literal values")
		assert.Contains(t, string(chart), "getenv(", "the chart's env.php still reads the environment")

		// The next upgrade finds Magento installed: nothing is installed again.
		pod, code = run(t, set, db)
		require.Equal(t, 0, code, pod.Logs("upgrade"))
		assert.Equal(t, []string{"setup:db:status", "app:config:status"}, commands(magentoCalls(t, pod)))
	})
	for _, tc := range []struct {
		name     string
		set      map[string]string
		tables   string // statements run first
		database bool
		want     string
	}{
		{name: "other tables: nothing installed", set: set, database: true, tables: "CREATE TABLE magento.other (id INT)", want: "no Magento installation"},
		{name: "unreachable database", set: set, want: "cannot be reached"},
		{name: "empty database with fail", set: map[string]string{"upgrade.onNotInstalled": "fail"}, database: true, want: "set upgrade.onNotInstalled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var db *database
			if tc.database {
				db = startDatabase(t, "magento", "magento", "change-me")
				if tc.tables != "" {
					db.sql(t, tc.tables)
				}
			}
			pod, code := run(t, tc.set, db)
			assert.Equal(t, 1, code, pod.Logs("upgrade"))
			assert.Contains(t, pod.Logs("upgrade"), tc.want)
			assert.Equal(t, []string{"setup:db:status"}, commands(magentoCalls(t, pod)), "nothing but the status")
		})
	}
}
