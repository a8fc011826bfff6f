package lbcheck

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kutip/internal/discordtest"
	"kutip/internal/testutil"
)

// The processes of a check: nginx and the kutip replicas, and the fake
// Discord in the test process.

// needNginx skips the test unless KUTIP_NGINX=1, and then fails it when
// there is no nginx binary, saying how to get one.
func needNginx(t *testing.T) string {
	t.Helper()
	if os.Getenv("KUTIP_NGINX") != "1" {
		t.Skip("needs nginx: set KUTIP_NGINX=1 (scripts/lb-check.sh installs nginx and does)")
	}
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatal("KUTIP_NGINX=1 but no nginx found: apt-get install nginx-light, or run scripts/lb-check.sh")
	return ""
}

// workDir is a folder every process can read, even replicas run as
// nobody (see asNobody).
func workDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "kutip-lbcheck-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Chmod(p, 0o755) })
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// buildKutip builds the kutip binary into dir.
func buildKutip(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "kutip")
	out, err := exec.Command("go", "build", "-o", bin, "kutip").CombinedOutput()
	if err != nil {
		t.Fatalf("go build kutip: %v\n%s", err, out)
	}
	return bin
}

// buildIndex builds the index of the built-in article into indexDir once
// (`kutip ask` with INDEX_DIR), then makes the folder read-only: the
// replicas share it as they would a read-only volume.
func buildIndex(t *testing.T, bin, dir, indexDir string) {
	t.Helper()
	cmd := exec.Command(bin, "ask", "Kapan perjanjian itu ditandatangani?")
	cmd.Dir = dir
	cmd.Env = append(baseEnv(), "INDEX_DIR="+indexDir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kutip ask (building the index): %v\n%s", err, out)
	}
	err := filepath.Walk(indexDir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o444)
		if info.IsDir() {
			mode = 0o555
		}
		return os.Chmod(p, mode)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// baseEnv is the environment of every kutip process: PATH and HOME only,
// so that nothing from the caller's settings leaks in.
func baseEnv() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}
}

// asNobody runs cmd as nobody when the test runs as root: root ignores
// file modes, and the replicas must find the index folder read-only.
func asNobody(cmd *exec.Cmd) {
	if os.Getuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
}

// logBuffer keeps a process's output for the failure message.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// A replica is one `kutip serve` taking HTTP interactions.
type replica struct {
	name   string
	addr   string // INTERACTIONS_ADDR
	health string // HEALTH_ADDR
	cmd    *exec.Cmd
	logs   *logBuffer
	exited chan struct{}
}

// startReplica starts an HTTP-only kutip serve (no gateway, no token)
// answering from the shared indexDir and editing deferred answers through
// srv. Its feedback store is feedbackFile (FEEDBACK_FILE), shared by the
// replicas, or in memory when that is "" (the index folder is
// read-only). It is stopped (SIGTERM) at the end of the test.
func startReplica(t *testing.T, name, bin, dir, indexDir, feedbackFile string, srv *discordtest.Server, publicKeyHex string) *replica {
	t.Helper()
	return startReplicaAt(t, name, testutil.FreeAddr(t), bin, dir, indexDir, feedbackFile, srv, publicKeyHex)
}

// startReplicaAt is startReplica listening on addr, as a replica
// restarted in place does.
func startReplicaAt(t *testing.T, name, addr, bin, dir, indexDir, feedbackFile string, srv *discordtest.Server, publicKeyHex string) *replica {
	t.Helper()
	r := &replica{name: name, addr: addr, health: testutil.FreeAddr(t), logs: &logBuffer{}, exited: make(chan struct{})}
	feedback := "FEEDBACK_FILE=" + feedbackFile
	if feedbackFile != "" {
		// One store for all, writable by all, as a shared volume.
		if err := os.MkdirAll(filepath.Dir(feedbackFile), 0o777); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Dir(feedbackFile), 0o777)
	}
	r.cmd = exec.Command(bin, "serve")
	r.cmd.Dir = dir
	r.cmd.Env = append(baseEnv(),
		"GATEWAY=off",
		"INTERACTIONS_ADDR="+r.addr,
		"DISCORD_PUBLIC_KEY="+publicKeyHex,
		"DISCORD_API_BASE="+srv.URL,
		"INDEX_DIR="+indexDir,
		feedback,
		"HEALTH_ADDR="+r.health,
		"RELOAD_INTERVAL=off",
		"LOG_FORMAT=json",
		"LOG_LEVEL=warn",
	)
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	asNobody(r.cmd)
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start replica %s: %v", name, err)
	}
	go func() {
		r.cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(func() {
		r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.exited:
		case <-time.After(15 * time.Second):
			r.cmd.Process.Kill()
			<-r.exited
		}
		if t.Failed() {
			t.Logf("replica %s output:\n%s", r.name, r.logs)
		}
	})
	return r
}

// stop ends the replica as an orchestrator does in a rolling restart:
// SIGTERM, then waiting for it to finish what it holds.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("stop replica %s: %v", r.name, err)
	}
	<-r.exited
}

// kill ends the replica at once, as a crash or an OOM kill would: no
// drain, in-flight requests cut.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Kill(); err != nil {
		t.Errorf("kill replica %s: %v", r.name, err)
	}
	<-r.exited
}

// rss returns the replica's resident memory in KiB, all of it and the
// part that maps files (the shared index among them), from
// /proc/<pid>/status.
func (r *replica) rss() (total, file int, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", r.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		switch k {
		case "VmRSS":
			total = n
		case "RssFile":
			file = n
		}
	}
	return total, file, sc.Err()
}

// cpu returns the CPU time the replica has used so far, from
// /proc/<pid>/stat (user and system, in clock ticks of 10 ms).
func (r *replica) cpu() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", r.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses.
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", r.cmd.Process.Pid)
	}
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// selfCPU is the CPU time of the test process (the fake Discord and the
// load) so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// waitReady waits until the replica answers a signed PING with PONG.
func waitReady(ctx context.Context, t *testing.T, srv *discordtest.Server, r *replica) {
	t.Helper()
	ep := srv.Endpoint("http://" + r.addr + "/interactions")
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		d := ep.Ping(ctx)
		if d.Err == nil {
			return
		}
		select {
		case <-r.exited:
			t.Fatalf("replica %s exited before it was ready:\n%s", r.name, r.logs)
		case <-ctx.Done():
			t.Fatalf("replica %s not ready (last PING: %v):\n%s", r.name, d.Err, r.logs)
		case <-tick.C:
		}
	}
}

// nginxConf is deploy/nginx.conf for a test: nginx in the foreground with
// its files in dir, listening on listen, balancing over upstreams.
func nginxConf(dir, listen string, upstreams []string) string {
	var servers strings.Builder
	for _, u := range upstreams {
		fmt.Fprintf(&servers, "        server %s max_fails=1 fail_timeout=10s;\n", u)
	}
	return fmt.Sprintf(`daemon off;
worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %[1]s/tmp/body;
    proxy_temp_path %[1]s/tmp/proxy;
    fastcgi_temp_path %[1]s/tmp/fastcgi;
    uwsgi_temp_path %[1]s/tmp/uwsgi;
    scgi_temp_path %[1]s/tmp/scgi;
    upstream kutip_interactions {
%[2]s    }
    server {
        listen %[3]s;
%[4]s
    }
}
`, dir, servers.String(), listen, interactionsLocation)
}

// interactionsLocation is the location block of deploy/nginx.conf that
// decides how a request is proxied and when it is retried elsewhere.
const interactionsLocation = `        location / {
            client_max_body_size 1m;
            proxy_pass http://kutip_interactions;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 1s;
            proxy_read_timeout 10s;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 3;
            proxy_next_upstream_timeout 2s;
        }`

// startNginx runs nginx in front of upstreams and returns its base URL.
func startNginx(t *testing.T, nginx, dir string, upstreams []string) string {
	t.Helper()
	ndir := filepath.Join(dir, fmt.Sprintf("nginx-%d", len(upstreams)))
	for _, sub := range []string{"tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"} {
		p := filepath.Join(ndir, sub)
		if err := os.MkdirAll(p, 0o777); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, 0o777) // for workers that run as nobody under root
	}
	listen := testutil.FreeAddr(t)
	conf := filepath.Join(ndir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(nginxConf(ndir, listen, upstreams)), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	cmd := exec.Command(nginx, "-e", filepath.Join(ndir, "error.log"), "-p", ndir, "-c", conf)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT) // graceful
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			errLog, _ := os.ReadFile(filepath.Join(ndir, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log:\n%s", logs, errLog)
		}
	})
	// Ready when it accepts connections.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", listen)
		if err == nil {
			c.Close()
			return "http://" + listen
		}
		select {
		case <-exited:
			errLog, _ := os.ReadFile(filepath.Join(ndir, "error.log"))
			t.Fatalf("nginx exited at start:\n%s\n%s", logs, errLog)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx does not accept connections on %s", listen)
		}
	}
}
