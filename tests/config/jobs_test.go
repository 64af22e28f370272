package config_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"

	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

// magentoCall is one call of the stub bin/magento, as it logged it.
type magentoCall struct {
	Args        []string          `json:"args"`
	Maintenance bool              `json:"maintenance"`
	UID         int64             `json:"uid"`
	CronEnv     map[string]string `json:"cron_env"`
}

// stubApp returns the stub store with app/etc/stub.json telling bin/magento which exit codes to
// return and how long to take, per command.
func stubApp(t *testing.T, exit, sleep map[string]int) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join(repo.Root(t), "tests/config/testdata/app"))))
	behaviour, err := json.Marshal(map[string]any{"exit": exit, "sleep": sleep})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app/etc/stub.json"), behaviour, 0o644))
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
	for _, s := range repo.Scenarios(t, m2Chart) {
		opts := render.Options{ValuesFiles: s.ValuesFiles()}
		m := render.Render(t, m2Chart, opts)
		for _, cj := range render.Find[*batchv1.CronJob](m) {
			if cj.Name == m2Name("upgrade") {
				continue // the manual upgrade: the same pod as the upgrade Job
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
				want := map[string]string{}
				for _, e := range c.Env {
					if strings.HasPrefix(e.Name, "CONFIG__DEFAULT__SYSTEM__CRON__") {
						want[e.Name] = e.Value
						assert.True(t, strings.HasSuffix(e.Name, "__USE_SEPARATE_PROCESS") && e.Value == "0", "%s=%s", e.Name, e.Value)
					}
				}
				assert.NotEmpty(t, want, "the groups of %s run in this process", cj.Name)
				assert.Equal(t, want, call.CronEnv)
				// The args after cron:run are the entry's own.
				args := c.Command[len(c.Command)-len(call.Args):]
				assert.Equal(t, []string(args), call.Args)
			})
		}
	}
}
