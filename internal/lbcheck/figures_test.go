package lbcheck

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestFigures measures, on this machine, how many interactions a second
// one replica answers alone and 1, 2 and 3 replicas behind nginx, with the
// HTTP response time (p50, p99) the fake Discord sees, and each replica's
// memory. It runs with KUTIP_NGINX=1 KUTIP_FIGURES=1; KUTIP_FIGURES_SECONDS
// sets each run's length (default 8) and KUTIP_FIGURES_WORKERS the
// interactions in flight (default 16), and KUTIP_FIGURES_FEEDBACK=memory
// leaves the replicas without the shared feedback file. The fake Discord that signs, posts
// and records runs in the test process, on the same CPUs as nginx and the
// replicas: the figures are for the whole machine, not for kutip alone.
// It only reports; it fails only when a run answers nothing.
func TestFigures(t *testing.T) {
	if os.Getenv("KUTIP_FIGURES") != "1" {
		t.Skip("set KUTIP_FIGURES=1 (and KUTIP_NGINX=1) to measure")
	}
	// The replicas share one feedback file, as deployed; with
	// KUTIP_FIGURES_FEEDBACK=memory each keeps its own in memory, which
	// shows what the file costs.
	shared := os.Getenv("KUTIP_FIGURES_FEEDBACK") != "memory"
	t.Logf("feedback store: shared file %v", shared)
	c := newCluster(t, 3, shared)
	secs, workers := 8, 16
	if v, err := strconv.Atoi(os.Getenv("KUTIP_FIGURES_SECONDS")); err == nil && v > 0 {
		secs = v
	}
	if v, err := strconv.Atoi(os.Getenv("KUTIP_FIGURES_WORKERS")); err == nil && v > 0 {
		workers = v
	}
	d := time.Duration(secs) * time.Second
	ctx, cancel := context.WithTimeout(t.Context(), 10*d+time.Minute)
	defer cancel()

	for _, r := range c.replicas {
		total, file, err := r.rss()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("replica %s idle: RSS %d KiB (%d KiB of it mapped files)", r.name, total, file)
	}
	runs := []struct {
		name string
		url  func() string
	}{
		{"1 replica, direct", func() string { return "http://" + c.replicas[0].addr }},
		{"1 replica, nginx", func() string { return startNginx(t, c.nginx, c.dir, c.addrs(1)) }},
		{"2 replicas, nginx", func() string { return startNginx(t, c.nginx, c.dir, c.addrs(2)) }},
		{"3 replicas, nginx", func() string { return startNginx(t, c.nginx, c.dir, c.addrs(3)) }},
	}
	// Warm up every replica (caches, the index's pages) before measuring.
	load(ctx, t, c.srv, runs[3].url(), workers, 60, 0, nil)
	replicasCPU := func() time.Duration {
		var sum time.Duration
		for _, r := range c.replicas {
			cpu, err := r.cpu()
			if err != nil {
				t.Fatal(err)
			}
			sum += cpu
		}
		return sum
	}
	// Each configuration runs twice, the second round after the first,
	// so that a change in the machine's other load shows as a difference
	// between rounds.
	urls := make([]string, len(runs))
	for i, run := range runs {
		urls[i] = run.url()
	}
	var base float64
	for round := range 2 {
		for i, run := range runs {
			start, kutipCPU, fakeCPU := time.Now(), replicasCPU(), selfCPU()
			dels := load(ctx, t, c.srv, urls[i], workers, 0, d, nil)
			took := time.Since(start)
			kutipCPU, fakeCPU = replicasCPU()-kutipCPU, selfCPU()-fakeCPU
			var ok []time.Duration
			deferred, failed := 0, 0
			for _, del := range dels {
				switch {
				case del.Err != nil:
					failed++
				case del.Callback == 5:
					deferred++
					ok = append(ok, del.Took)
				default:
					ok = append(ok, del.Took)
				}
			}
			if len(ok) == 0 {
				t.Fatalf("%s: nothing answered", run.name)
			}
			rate := float64(len(ok)) / took.Seconds()
			if base == 0 {
				base = rate
			}
			perQ := func(cpu time.Duration) float64 { return ms(cpu) / float64(len(dels)) }
			t.Logf("round %d  %-18s %6.0f interactions/s (%.2fx)  p50 %6.1f ms  p99 %6.1f ms  deferred %d  failed %d  of %d  CPU/interaction: replicas %.2f ms, fake+load %.2f ms",
				round+1, run.name, rate, rate/base, ms(percentile(ok, 50)), ms(percentile(ok, 99)), deferred, failed, len(dels), perQ(kutipCPU), perQ(fakeCPU))
		}
	}
	for _, r := range c.replicas {
		total, file, err := r.rss()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("replica %s after the runs: RSS %d KiB (%d KiB of it mapped files)", r.name, total, file)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
