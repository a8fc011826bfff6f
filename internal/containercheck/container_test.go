package containercheck

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kutip/internal/discordtest"
)

// token is the dummy bot token the fake accepts; it has Discord's shape.
const token = "MTAwMDAwMDAwMDAwMDAwMDAw.GkUtIp.container-check-not-a-real-token-0000"

// root is the project, two folders up from this package.
const root = "../.."

func TestContainer(t *testing.T) {
	if os.Getenv("KUTIP_CONTAINER_CHECK") != "1" {
		t.Skip("runs Docker containers; scripts/container-check.sh runs it with KUTIP_CONTAINER_CHECK=1")
	}
	t.Run("compose", testCompose)
	t.Run("docker run", testDockerRun)
	t.Run("replicas", testReplicas)
}

// docker runs the docker client (DOCKER, else the first on PATH) in dir
// and returns its output, failing the test on an error.
func docker(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := dockerCmd(dir, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func dockerCmd(dir string, args ...string) *exec.Cmd {
	bin := os.Getenv("DOCKER")
	if bin == "" {
		bin = "docker"
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	return cmd
}

// freshClone copies the project's files as a fresh clone has them (what
// git tracks, and new files git does not ignore: no .env, no build output)
// into a new folder, then makes .env from .env.example as the README says,
// with the token and the fake's URL filled in.
func freshClone(t *testing.T, srv *discordtest.Server) string {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		} else if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	example, err := os.ReadFile(filepath.Join(dir, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(example, []byte("\nDISCORD_TOKEN=\n")) {
		t.Fatal(".env.example has no empty DISCORD_TOKEN= line to fill in")
	}
	env := bytes.Replace(example, []byte("\nDISCORD_TOKEN=\n"), []byte("\nDISCORD_TOKEN="+token+"\n"), 1)
	env = append(env, "\n# container check: the fake Discord\nDISCORD_API_BASE="+srv.URL+"\n"...)
	if err := os.WriteFile(filepath.Join(dir, ".env"), env, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// waitHealthy follows the engine's events (filtered by filter, such as
// label=… or container=…) that start must set off, until a container is
// healthy; a container that dies or turns unhealthy fails the test with
// its logs.
func waitHealthy(t *testing.T, dir, filter string, start func()) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	bin := os.Getenv("DOCKER")
	if bin == "" {
		bin = "docker"
	}
	ev := exec.CommandContext(ctx, bin, "events", "--filter", filter,
		"--filter", "event=health_status", "--filter", "event=die",
		"--format", "{{.Status}}\t{{.Actor.ID}}")
	ev.Dir = dir
	pipe, err := ev.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ev.Start(); err != nil {
		t.Fatal(err)
	}
	defer ev.Wait()
	defer cancel()
	// The first health check runs the Dockerfile's interval (30 s) after
	// the start, long after docker events has subscribed.
	start()
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		status, id, _ := strings.Cut(sc.Text(), "\t")
		switch status {
		case "health_status: healthy":
			t.Logf("container %.12s is healthy", id)
			return id
		case "health_status: unhealthy", "die":
			logs, _ := dockerCmd(dir, "logs", "--tail", "30", id).CombinedOutput()
			t.Fatalf("container %.12s: %s; its log ends:\n%s", id, status, logs)
		}
	}
	t.Fatalf("no container became healthy within 4 minutes (%v)", ctx.Err())
	return ""
}

// ask plays a user asking /ask and checks that a line of the answer holds
// want.
func ask(t *testing.T, srv *discordtest.Server, question, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	id, err := srv.Interact(ctx, discordtest.Interaction{
		Name:    "ask",
		Options: []discordtest.Option{{Name: "question", Value: question}},
	})
	if err != nil {
		t.Fatalf("/ask: %v", err)
	}
	reply, err := srv.WaitReply(ctx, id)
	if err != nil {
		t.Fatalf("/ask: no reply: %v", err)
	}
	text := reply.Text()
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, want) {
			t.Logf("/ask %s → %s", question, line)
			return
		}
	}
	t.Errorf("/ask %s answered %q, want %s", question, text, want)
}

// askRatified checks that the bot registered its commands and answers
// from the built-in article.
func askRatified(t *testing.T, srv *discordtest.Server) {
	t.Helper()
	var names []string
	for _, c := range srv.Commands("") {
		names = append(names, c.Name)
	}
	t.Logf("global commands registered: %s", strings.Join(names, ", "))
	ask(t, srv, "when did Russia ratify?", "6 November")
}

// addArticle drops an article into the fresh clone's ./articles, the
// container's /corpus, and waits for the container's log to say that it
// reloaded the corpus.
func addArticle(t *testing.T, dir, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	bin := os.Getenv("DOCKER")
	if bin == "" {
		bin = "docker"
	}
	logs := exec.CommandContext(ctx, bin, "logs", "--follow", "--tail", "0", id)
	pipe, err := logs.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs.Stderr = logs.Stdout // kutip logs to stderr
	if err := logs.Start(); err != nil {
		t.Fatal(err)
	}
	defer logs.Wait()
	defer cancel()
	article := "---\ntitle: Lake Toba\nlang: en\n---\n" +
		"Lake Toba in North Sumatra is the largest volcanic lake in the world.\n\n" +
		"Lake Toba was formed by a supervolcano eruption about 74,000 years ago.\n"
	if err := os.WriteFile(filepath.Join(dir, "articles", "toba.md"), []byte(article), 0o644); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "corpus reloaded") {
			t.Logf("log: %s", sc.Text())
			return
		}
	}
	t.Fatalf("the container did not log \"corpus reloaded\" within 2 minutes of a new file in ./articles (%v)", ctx.Err())
}

func testCompose(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{Token: token})
	dir := freshClone(t, srv)
	// This machine has no bridge network: the one change to the project's
	// compose file is the host's network, for the build and the container.
	override := "services:\n  kutip:\n    network_mode: host\n    build:\n      network: host\n"
	if err := os.WriteFile(filepath.Join(dir, "compose.check.yml"), []byte(override), 0o644); err != nil {
		t.Fatal(err)
	}
	project := fmt.Sprintf("kutipcheck%d", os.Getpid())
	compose := []string{"compose", "-p", project, "-f", "docker-compose.yml", "-f", "compose.check.yml"}
	// A fresh clone has no .env until the user makes one: the compose file
	// must still be valid (env_file is optional).
	env := filepath.Join(dir, ".env")
	if err := os.Rename(env, env+".aside"); err != nil {
		t.Fatal(err)
	}
	docker(t, dir, "compose", "-f", "docker-compose.yml", "config", "--quiet")
	if err := os.Rename(env+".aside", env); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		out, err := dockerCmd(dir, append(compose, "down", "-v", "--timeout", "20")...).CombinedOutput()
		if err != nil {
			t.Errorf("compose down: %v\n%s", err, out)
		}
	})
	id := waitHealthy(t, dir, "label=com.docker.compose.project="+project, func() {
		docker(t, dir, append(compose, "up", "-d", "--build")...)
		t.Logf("docker compose up -d --build: started")
	})
	inspect := docker(t, dir, "inspect", "--format",
		"{{.State.Health.Status}} user={{.Config.User}} readonly={{.HostConfig.ReadonlyRootfs}} log={{.HostConfig.LogConfig.Type}} {{.HostConfig.LogConfig.Config}} mounts={{range .Mounts}}{{.Destination}}:{{.RW}} {{end}}", id)
	t.Logf("docker inspect: %s", strings.TrimSpace(inspect))
	for _, want := range []string{"healthy", "readonly=true", "log=json-file", "max-size:10m", "/corpus:false", "/data:true"} {
		if !strings.Contains(inspect, want) {
			t.Errorf("the compose container lacks %q: %s", want, inspect)
		}
	}
	askRatified(t, srv)
	// ./articles is empty in a fresh clone, so that answer came from the
	// built-in article; an article added now is answered without a restart.
	addArticle(t, dir, id)
	ask(t, srv, "How long ago was Lake Toba formed?", "74,000 years")
}

// readmeCommands returns the README's docker build and docker run lines,
// the run line with "--env-file .env".
func readmeCommands(t *testing.T) (build, run []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "docker build "):
			build = words(t, line)
		case strings.HasPrefix(line, "docker run ") && strings.Contains(line, "--env-file .env"):
			run = words(t, line)
		}
	}
	if build == nil || run == nil {
		t.Fatal(`README.md lacks a "docker build ..." line or a "docker run ... --env-file .env ..." line`)
	}
	return build, run
}

// words splits a README command line into words as a shell would for the
// plain forms the README uses: spaces, and double quotes around a word.
func words(t *testing.T, line string) []string {
	t.Helper()
	var out []string
	for _, w := range strings.Fields(line) {
		if strings.ContainsAny(w, "'`\\|;&<>") {
			t.Fatalf("README command %q: %q needs a shell; keep the line plain", line, w)
		}
		out = append(out, strings.ReplaceAll(w, `"`, ""))
	}
	return out
}

func testDockerRun(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{Token: token})
	dir := freshClone(t, srv)
	build, run := readmeCommands(t)
	t.Logf("README: %s", strings.Join(build, " "))
	t.Logf("README: %s", strings.Join(run, " "))
	if run[2] != "-d" {
		t.Fatalf("README's docker run line should start the bot in the background (docker run -d): %v", run)
	}
	// The host's network, as everywhere on this machine, and a name of our
	// own; the rest as written, with $PWD the fresh clone.
	name := fmt.Sprintf("kutipcheck%d", os.Getpid())
	args := []string{"run", "--network", "host"}
	for i := 2; i < len(run); i++ {
		switch w := strings.ReplaceAll(run[i], "$PWD", dir); {
		case w == "--name" && i+1 < len(run):
			i++
		case strings.HasPrefix(w, "--name="):
		default:
			args = append(args, w)
		}
	}
	args = append(args[:3], append([]string{"--name", name}, args[3:]...)...)
	volume := ""
	for i, w := range args {
		if w == "-v" && i+1 < len(args) && strings.HasSuffix(args[i+1], ":/data") {
			volume = strings.TrimSuffix(args[i+1], ":/data")
		}
	}
	t.Cleanup(func() {
		dockerCmd(dir, "rm", "-f", name).Run()
		if volume != "" && !strings.HasPrefix(volume, "/") {
			dockerCmd(dir, "volume", "rm", volume).Run()
		}
	})
	buildArgs := append([]string{build[1], "--network", "host"}, build[2:]...)
	docker(t, dir, buildArgs...)
	id := waitHealthy(t, dir, "container="+name, func() {
		docker(t, dir, args...)
	})
	inspect := docker(t, dir, "inspect", "--format",
		"{{.State.Health.Status}} readonly={{.HostConfig.ReadonlyRootfs}} mounts={{range .Mounts}}{{.Destination}}:{{.RW}} {{end}} env={{range .Config.Env}}{{.}} {{end}}", id)
	for _, want := range []string{"healthy", "/data:true", "INDEX_DIR=/data", "HEARTBEAT_FILE=/tmp/kutip-heartbeat.json"} {
		if !strings.Contains(inspect, want) {
			t.Errorf("the docker run container lacks %q", want)
		}
	}
	askRatified(t, srv)
}
