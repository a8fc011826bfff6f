package containercheck

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kutip/internal/discordtest"
)

// The replicas check runs docker-compose.replicas.yml as a user does
// (`docker compose -f docker-compose.replicas.yml up -d`), with one test
// override for this machine, which has no bridge network: every service
// on the host's network, and so each replica on a port of its own. As the
// replicas of one service would all take the same port there, the
// override runs them as three services: kutip-http (one replica) and
// kutip-http-2 and kutip-http-3, which extend the real file's kutip-http.
// nginx gets deploy/nginx.conf with only the upstream's server line and
// the listen port changed (no Compose DNS on the host's network).

// replicasN is how many interactions go through nginx; one replica is
// killed after a third of them.
const replicasN = 60

// freePort returns a port on 127.0.0.1 that nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// upstreamServer is deploy/nginx.conf's one server line, which Compose's
// DNS turns into the replicas' addresses.
var upstreamServer = regexp.MustCompile(`(?m)^(\s*)server kutip-http:8080( [^;]*)?;$`)

// checkNginxConf is deploy/nginx.conf with the upstream's server line
// replaced by one line per port on 127.0.0.1 and nginx listening on
// listen; everything else, the location block that decides failover
// among it, as deployed.
func checkNginxConf(t *testing.T, dir string, replicas []int, listen int) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "deploy", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	conf := string(b)
	m := upstreamServer.FindAllStringSubmatch(conf, -1)
	if len(m) != 1 {
		t.Fatalf("deploy/nginx.conf: want one line \"server kutip-http:8080 ...;\" in the upstream, found %d", len(m))
	}
	var lines []string
	for _, p := range replicas {
		lines = append(lines, fmt.Sprintf("%sserver 127.0.0.1:%d%s;", m[0][1], p, m[0][2]))
	}
	conf = upstreamServer.ReplaceAllLiteralString(conf, strings.Join(lines, "\n"))
	if n := strings.Count(conf, "listen 8080;"); n != 1 {
		t.Fatalf("deploy/nginx.conf: want one \"listen 8080;\", found %d", n)
	}
	return strings.Replace(conf, "listen 8080;", fmt.Sprintf("listen 127.0.0.1:%d;", listen), 1)
}

// replicasOverride is the test's compose override: the host's network,
// and the ports of each kutip process and of nginx.
func replicasOverride(http, health []int, gatewayHealth int) string {
	var b strings.Builder
	b.WriteString("services:\n")
	host := "    network_mode: host\n    build:\n      network: host\n"
	b.WriteString("  kutip-index:\n" + host)
	for i := range http {
		name := "kutip-http"
		if i > 0 {
			name = fmt.Sprintf("kutip-http-%d", i+1)
		}
		fmt.Fprintf(&b, "  %s:\n", name)
		if i > 0 {
			b.WriteString("    extends:\n      file: docker-compose.replicas.yml\n      service: kutip-http\n")
		}
		fmt.Fprintf(&b, "%s    deploy:\n      replicas: 1\n    environment:\n      INTERACTIONS_ADDR: 127.0.0.1:%d\n      HEALTH_ADDR: 127.0.0.1:%d\n",
			host, http[i], health[i])
	}
	fmt.Fprintf(&b, "  kutip-gateway:\n%s    environment:\n      HEALTH_ADDR: 127.0.0.1:%d\n", host, gatewayHealth)
	b.WriteString("  nginx:\n    network_mode: host\n    ports: !reset []\n    volumes: !override\n" +
		"      - ./compose.check.nginx.conf:/etc/nginx/nginx.conf:ro\n    depends_on:\n")
	for i := range http {
		if i == 0 {
			b.WriteString("      - kutip-http\n")
		} else {
			fmt.Fprintf(&b, "      - kutip-http-%d\n", i+1)
		}
	}
	return b.String()
}

// ping waits until url answers a signed PING with PONG.
func ping(ctx context.Context, t *testing.T, srv *discordtest.Server, what, url string) {
	t.Helper()
	ep := srv.Endpoint(url)
	for {
		d := ep.Ping(ctx)
		if d.Err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s (%s) does not answer a PING: %v", what, url, d.Err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func testReplicas(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{Token: token})
	dir := freshClone(t, srv)
	const file = "docker-compose.replicas.yml"

	// As a fresh clone has it: no .env yet.
	env := filepath.Join(dir, ".env")
	if err := os.Rename(env, env+".aside"); err != nil {
		t.Fatal(err)
	}
	checkReplicasFile(t, docker(t, dir, "compose", "-f", file, "config", "--format", "json"))
	if err := os.Rename(env+".aside", env); err != nil {
		t.Fatal(err)
	}
	// The replicas check the fake's signatures with its public key, which
	// the user copies from the developer portal into .env.
	pub := srv.Endpoint("").PublicKeyHex()
	f, err := os.OpenFile(env, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "DISCORD_PUBLIC_KEY=%s\n", pub)
	f.Close()

	httpPorts := []int{freePort(t), freePort(t), freePort(t)}
	healthPorts := []int{freePort(t), freePort(t), freePort(t)}
	gatewayHealth, nginxPort := freePort(t), freePort(t)
	files := map[string]string{
		"compose.check.yml":        replicasOverride(httpPorts, healthPorts, gatewayHealth),
		"compose.check.nginx.conf": checkNginxConf(t, dir, httpPorts, nginxPort),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	project := fmt.Sprintf("kutipreplicas%d", os.Getpid())
	compose := []string{"compose", "-p", project, "-f", file, "-f", "compose.check.yml"}
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := dockerCmd(dir, append(compose, "logs", "--no-color", "--tail", "40")...).CombinedOutput()
			t.Logf("compose logs:\n%s", logs)
			ps, _ := dockerCmd(dir, append(compose, "ps", "-a")...).CombinedOutput()
			t.Logf("compose ps -a:\n%s", ps)
		}
		out, err := dockerCmd(dir, append(compose, "down", "-v", "--timeout", "20")...).CombinedOutput()
		if err != nil {
			t.Errorf("compose down: %v\n%s", err, out)
		}
	})

	// The gateway process registers the commands and turns healthy once
	// connected to the fake's gateway; up -d returns after the index job
	// has finished and the rest has started.
	begin := time.Now()
	id := waitHealthy(t, dir, "label=com.docker.compose.service=kutip-gateway", func() {
		docker(t, dir, append(compose, "up", "-d", "--build")...)
		t.Logf("docker compose -f %s up -d --build: started in %s", file, time.Since(begin).Round(time.Second))
	})
	t.Logf("kutip-gateway %.12s healthy %s after up", id, time.Since(begin).Round(time.Second))
	if len(srv.Commands("")) == 0 {
		t.Fatal("the gateway process is healthy but registered no commands")
	}
	index := docker(t, dir, append(compose, "ps", "-a", "--format", "{{.Service}} {{.State}} {{.Status}}", "kutip-index")...)
	if !strings.Contains(index, "Exited (0)") {
		t.Errorf("the index job: %s, want exited (0)", strings.TrimSpace(index))
	}

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	for i, p := range httpPorts {
		ping(ctx, t, srv, fmt.Sprintf("replica %d", i+1), fmt.Sprintf("http://127.0.0.1:%d/", p))
	}
	nginx := fmt.Sprintf("http://127.0.0.1:%d/", nginxPort)
	ping(ctx, t, srv, "nginx", nginx)
	inspectReplica := docker(t, dir, append(compose, "exec", "-T", "kutip-http-2", "/kutip", "health")...)
	t.Logf("replicas answer PING directly and through nginx; kutip-http-2's health: %s", strings.TrimSpace(inspectReplica))
	victim := strings.TrimSpace(docker(t, dir, append(compose, "ps", "-q", "kutip-http-2")...))
	mounts := docker(t, dir, "inspect", "--format", "{{range .Mounts}}{{.Destination}}:{{.RW}} {{end}}", victim)
	for _, want := range []string{"/data:false", "/feedback:true", "/corpus:false"} {
		if !strings.Contains(mounts, want) {
			t.Errorf("replica kutip-http-2's mounts %s lack %s", strings.TrimSpace(mounts), want)
		}
	}

	// Interactions through nginx from 6 users at once; one replica is
	// killed (docker kill) after a third.
	ep := srv.Endpoint(nginx)
	ep.Client = &http.Client{Timeout: 15 * time.Second}
	var (
		next   atomic.Int64
		mu     sync.Mutex
		dels   []discordtest.Delivery
		wg     sync.WaitGroup
		killed sync.Once
	)
	for range 6 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= replicasN || ctx.Err() != nil {
					return
				}
				del, err := ep.Interact(ctx, discordtest.Interaction{
					Name:    "ask",
					Options: []discordtest.Option{{Name: "question", Value: "Kapan Rusia meratifikasi perjanjian itu?"}},
					User:    discordtest.User{ID: strconv.Itoa(910000000000000000 + i), Username: fmt.Sprintf("user%d", i)},
				})
				if err != nil {
					t.Errorf("interaction %d not made: %v", i, err)
					return
				}
				mu.Lock()
				dels = append(dels, del)
				n := len(dels)
				mu.Unlock()
				if n >= replicasN/3 {
					killed.Do(func() {
						out, err := dockerCmd(dir, "kill", victim).CombinedOutput()
						if err != nil {
							t.Errorf("docker kill kutip-http-2: %v\n%s", err, out)
						}
					})
				}
			}
		})
	}
	wg.Wait()
	if len(dels) != replicasN {
		t.Fatalf("%d interactions delivered, want %d", len(dels), replicasN)
	}
	answered, deferred, failed := 0, 0, 0
	var voteOn discordtest.Delivery
	for _, d := range dels {
		resps := srv.Responses(d.ID)
		switch {
		case d.Err != nil:
			failed++
			if len(resps) != 0 {
				t.Errorf("interaction %s failed (%v) yet has %d responses", d.ID, d.Err, len(resps))
			}
		case d.Callback == 4:
			answered++
			if len(resps) != 1 {
				t.Errorf("interaction %s answered in the body and has %d responses: answered twice", d.ID, len(resps))
			}
			if voteOn.ID == "" {
				voteOn = d
			}
		case d.Callback == 5:
			deferred++
			reply, err := srv.WaitReply(ctx, d.ID)
			if err != nil {
				t.Logf("interaction %s deferred and never edited (its replica was killed): %v", d.ID, err)
			} else if !strings.Contains(reply.Text(), "6 November") {
				t.Errorf("interaction %s deferred then answered %q", d.ID, reply.Text())
			}
			if len(srv.Responses(d.ID)) > 2 {
				t.Errorf("interaction %s deferred then edited %d times", d.ID, len(srv.Responses(d.ID))-1)
			}
		default:
			t.Errorf("interaction %s answered with callback type %d", d.ID, d.Callback)
		}
		if d.Callback == 4 && !strings.Contains(string(d.Body), "6 November") {
			t.Errorf("interaction %s answered %s, want 6 November", d.ID, d.Body)
		}
	}
	if st := srv.Stats(); st.DoubleAcks != 0 {
		t.Errorf("%d second callbacks: some interaction was answered twice", st.DoubleAcks)
	}
	t.Logf("%d /ask through nginx, kutip-http-2 killed (docker kill) after %d: %d answered, %d deferred, %d failed cleanly",
		replicasN, replicasN/3, answered, deferred, failed)
	if failed > 6 {
		t.Errorf("%d of %d failed; the kill should cost at most the 6 in flight", failed, replicasN)
	}
	if voteOn.ID == "" {
		t.Fatal("no interaction answered in the body, nothing to vote on")
	}
	state := docker(t, dir, "inspect", "--format", "{{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}}", victim)
	t.Logf("kutip-http-2 after docker kill: %s", strings.TrimSpace(state))
	// nginx spread the load: the survivors each answered some of it.
	for _, i := range []int{0, 2} {
		if n := responded(ctx, t, healthPorts[i]); n == 0 {
			t.Errorf("replica %d answered no interaction (its /metrics): nginx did not balance over it", i+1)
		} else {
			t.Logf("replica %d answered %d", i+1, n)
		}
	}
	logs := docker(t, dir, append(compose, "logs", "--no-color")...)
	for line := range strings.Lines(logs) {
		switch {
		case strings.Contains(line, "from memory"):
			t.Errorf("a kutip process does not answer from the index volume: %s", line)
		case strings.Contains(line, `"level":"WARN"`), strings.Contains(line, `"level":"ERROR"`), strings.Contains(line, "[emerg]"), strings.Contains(line, "[error]"):
			t.Logf("log: %s", strings.TrimSpace(line))
		}
	}

	// A down-vote, through nginx to a surviving replica, into the shared
	// feedback file.
	reply, err := srv.WaitReply(ctx, voteOn.ID)
	if err != nil {
		t.Fatal(err)
	}
	down := ""
	for _, b := range srv.Buttons(reply.Original.ID) {
		if b.Emoji == "👎" {
			down = b.CustomID
		}
	}
	if down == "" {
		t.Fatalf("the answer has no 👎 button: %+v", srv.Buttons(reply.Original.ID))
	}
	vote, err := ep.Click(ctx, discordtest.Click{MessageID: reply.Original.ID, CustomID: down})
	if err != nil || vote.Err != nil {
		t.Fatalf("👎 click through nginx: %v %v", err, vote.Err)
	}
	out, err := dockerCmd(dir, "run", "--rm", "--network", "none", "-v", project+"_kutip-feedback:/feedback:ro",
		"kutip:latest", "report", "--json", "--since", "all", "--file", "/feedback/feedback.db").Output()
	if err != nil {
		t.Fatalf("kutip report on the feedback volume: %v", err)
	}
	var report struct {
		Asked     int `json:"asked"`
		DownVoted []struct {
			AnswerID string `json:"answer_id"`
			Down     int    `json:"down"`
		} `json:"down_voted"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("kutip report --json: %v\n%s", err, out)
	}
	t.Logf("kutip report --json --file /feedback/feedback.db (the shared volume): %d asked, down-voted %+v", report.Asked, report.DownVoted)
	if report.Asked < answered || report.Asked > replicasN {
		t.Errorf("the shared feedback file holds %d questions, want %d to %d", report.Asked, answered, replicasN)
	}
	voted := false
	for _, v := range report.DownVoted {
		voted = voted || v.AnswerID == voteOn.ID && v.Down == 1
	}
	if !voted {
		t.Errorf("the 👎 on answer %s is not in the shared feedback file: %+v", voteOn.ID, report.DownVoted)
	}

	// The compose file's way to take new articles (hot reload is off):
	// up -d --force-recreate, which runs the index job again into the
	// volume the replicas then read.
	article := "---\ntitle: Lake Toba\nlang: en\n---\n" +
		"Lake Toba in North Sumatra is the largest volcanic lake in the world.\n\n" +
		"Lake Toba was formed by a supervolcano eruption about 74,000 years ago.\n"
	if err := os.WriteFile(filepath.Join(dir, "articles", "toba.md"), []byte(article), 0o644); err != nil {
		t.Fatal(err)
	}
	begin = time.Now()
	docker(t, dir, append(compose, "up", "-d", "--force-recreate")...)
	for i, p := range httpPorts {
		ping(ctx, t, srv, fmt.Sprintf("replica %d (recreated)", i+1), fmt.Sprintf("http://127.0.0.1:%d/", p))
	}
	t.Logf("up -d --force-recreate with a new article: replicas answer %s later", time.Since(begin).Round(time.Second))
	for i := range 3 {
		d, err := ep.Interact(ctx, discordtest.Interaction{
			Name:    "ask",
			Options: []discordtest.Option{{Name: "question", Value: "How long ago was Lake Toba formed?"}},
			User:    discordtest.User{ID: strconv.Itoa(920000000000000000 + i), Username: fmt.Sprintf("toba%d", i)},
		})
		if err != nil || d.Err != nil {
			t.Fatalf("/ask about the new article through nginx: %v %v", err, d.Err)
		}
		reply, err := srv.WaitReply(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(reply.Text(), "74,000 years") {
			t.Errorf("after up -d --force-recreate, /ask about the new article answered %q, want 74,000 years", reply.Text())
		}
	}
}

// responded reads kutip_http_interactions_total{result="responded"} from
// the /metrics of the replica whose HEALTH_ADDR is on port.
func responded(ctx context.Context, t *testing.T, port int) int {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/metrics", port), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("/metrics: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^kutip_http_interactions_total\{[^}]*result="responded"[^}]*\} (\d+)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("127.0.0.1:%d/metrics has no kutip_http_interactions_total{result=\"responded\"}", port)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// checkReplicasFile checks, in the compose file as Compose reads it,
// what the test override replaces for this machine's host network: the
// ports that connect nginx's listener, the replicas' INTERACTIONS_ADDR
// and deploy/nginx.conf's upstream (which checkNginxConf requires on
// 8080), and the replicas' health address apart from it.
func checkReplicasFile(t *testing.T, config string) {
	t.Helper()
	var c struct {
		Services map[string]struct {
			Environment map[string]*string `json:"environment"`
			Deploy      struct {
				Replicas int `json:"replicas"`
			} `json:"deploy"`
			Ports []struct {
				HostIP    string `json:"host_ip"`
				Target    int    `json:"target"`
				Published string `json:"published"`
			} `json:"ports"`
		} `json:"services"`
	}
	if err := json.Unmarshal([]byte(config), &c); err != nil {
		t.Fatalf("docker compose config --format json: %v", err)
	}
	replica := c.Services["kutip-http"]
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	if a := str(replica.Environment["INTERACTIONS_ADDR"]); a != "0.0.0.0:8080" {
		t.Errorf("kutip-http: INTERACTIONS_ADDR=%q, want 0.0.0.0:8080, where deploy/nginx.conf's upstream sends", a)
	}
	if h := str(replica.Environment["HEALTH_ADDR"]); h == "" || strings.HasSuffix(h, ":8080") {
		t.Errorf("kutip-http: HEALTH_ADDR=%q, want an address apart from the interactions' 8080", h)
	}
	if replica.Deploy.Replicas < 2 {
		t.Errorf("kutip-http: %d replicas", replica.Deploy.Replicas)
	}
	ports := c.Services["nginx"].Ports
	if len(ports) != 1 || ports[0].Target != 8080 || ports[0].HostIP != "127.0.0.1" {
		t.Errorf("nginx: ports %+v, want the host's 127.0.0.1 to its listen 8080", ports)
	}
}
