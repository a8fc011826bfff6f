package retrieval

// Scale: how building, querying and memory grow with the corpus, against
// plain bleve on the same text in the same run. BenchmarkScale builds
// corpora of 1,000 and 10,000 sentences (with KUTIP_SCALE=1 also 50,000
// and 200,000; KUTIP_SCALE_SIZES=10000,50000 picks sizes and
// KUTIP_SCALE_MODES=plain-disk,kutip-mem configurations) from the shared
// eval sets' passages (FacQA and XQuAD, repeated with fresh document IDs
// as needed), and for each size runs four configurations, each in a child
// process of its own so that its peak memory is its own:
//
//	plain-disk  plain bleve: one document per sentence (default mapping,
//	            standard analyzer), batches of 1,000, closed and reopened;
//	            one MatchQuery per question
//	plain-mem   the same in memory (scorch without a path)
//	kutip-disk  Build with Options.Dir (INDEX_DIR); Ask per question
//	kutip-mem   Build in memory (no INDEX_DIR); Ask per question
//
// and prints, per configuration: build rate, per-question p50 and p99
// (a warm-up pass over the questions, then a timed one) and CPU time per
// question (which the machine's load inflates less), peak RSS (the
// child's VmHWM), RSS and Go heap after a GC with the index open
// (serving; KUTIP_SCALE_HEAPPROFILE=file writes that heap's profile), the index's size on disk, heap and disk bytes per sentence,
// and bleve's segment count; then each kutip figure as a ratio to
// plain-disk. The kutip children run with the kutip binary's GOGC=50
// unless GOGC is set (GOGC=100 measures them at Go's default, as plain
// bleve runs); the table's gogc column says which. Run it with
//
//	KUTIP_SCALE=1 go test ./retrieval -run '^$' -bench Scale -benchtime 1x -timeout 60m
//
// Results and the machine are in docs/scale.md. TestScaleHarness runs the
// same measurement on the built-in article in normal test runs.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"kutip/corpus"
)

// scaleModes are the configurations BenchmarkScale compares.
var scaleModes = []string{"plain-disk", "plain-mem", "kutip-disk", "kutip-mem"}

// scaleResult is one configuration's measurement, as a child reports it.
type scaleResult struct {
	Mode      string
	Sentences int
	Questions int
	BuildSec  float64
	P50, P99  time.Duration
	CPU       time.Duration // process CPU time per question, timed pass
	PeakRSS   uint64        // VmHWM
	RSS       uint64        // VmRSS after a GC, the index open
	Heap      uint64        // live heap after a GC, minus the corpus's
	Disk      int64
	Segments  int
	GOGC      int // the child's GC percent: kutip's 50 as the binary runs (shippedGOGC)
}

const scaleChildEnv = "KUTIP_SCALE_CHILD" // mode,sentences

func BenchmarkScale(b *testing.B) {
	sizes := []int{1_000, 10_000}
	if os.Getenv("KUTIP_SCALE") == "1" {
		sizes = append(sizes, 50_000, 200_000)
	}
	if s := os.Getenv("KUTIP_SCALE_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				b.Fatalf("KUTIP_SCALE_SIZES=%q: want sentence counts separated by commas", s)
			}
			sizes = append(sizes, n)
		}
	}
	modes := scaleModes
	if s := os.Getenv("KUTIP_SCALE_MODES"); s != "" {
		modes = strings.Split(s, ",")
		for _, m := range modes {
			if !slices.Contains(scaleModes, m) {
				b.Fatalf("KUTIP_SCALE_MODES=%q: %q is not one of %v", s, m, scaleModes)
			}
		}
	}
	if scaleEvalDir() == "" {
		b.Skip("the shared eval sets (../shared/eval) are absent")
	}
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	var all []scaleResult
	for _, n := range sizes {
		for _, mode := range modes {
			b.Run(fmt.Sprintf("sentences=%d/%s", n, mode), func(b *testing.B) {
				var r scaleResult
				for b.Loop() {
					r = runScaleChild(b, exe, mode, n)
				}
				b.ReportMetric(float64(r.Sentences)/r.BuildSec, "sentences/s")
				b.ReportMetric(float64(r.P50.Microseconds()), "p50-µs")
				b.ReportMetric(float64(r.P99.Microseconds()), "p99-µs")
				b.ReportMetric(float64(r.CPU.Microseconds()), "cpu-µs/q")
				b.ReportMetric(float64(r.PeakRSS)/(1<<20), "peak-MiB")
				b.ReportMetric(float64(r.RSS)/(1<<20), "serve-MiB")
				b.ReportMetric(float64(r.Heap)/float64(r.Sentences), "heap-B/sent")
				b.ReportMetric(float64(r.Disk)/float64(r.Sentences), "disk-B/sent")
				b.ReportMetric(float64(r.Segments), "segments")
				all = append(all, r)
			})
		}
	}
	fmt.Print(scaleTable(all))
}

// runScaleChild measures one configuration in a child process: this test
// binary running TestScaleChild.
func runScaleChild(tb testing.TB, exe, mode string, n int) scaleResult {
	tb.Helper()
	cmd := exec.CommandContext(tb.Context(), exe, "-test.run=^TestScaleChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d", scaleChildEnv, mode, n))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("scale child %s at %d sentences: %v\n%s", mode, n, err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "SCALE-RESULT "); ok {
			var r scaleResult
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				tb.Fatal(err)
			}
			return r
		}
	}
	tb.Fatalf("scale child %s at %d sentences printed no result:\n%s", mode, n, out)
	return scaleResult{}
}

// scaleTable formats results, each size's kutip rows with ratios to
// plain-disk.
func scaleTable(rs []scaleResult) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%9s %-10s %4s %9s %8s %8s %8s %8s %9s %8s %8s %7s %5s  %s\n",
		"sentences", "config", "gogc", "build/s", "p50-µs", "p99-µs", "cpu-µs/q", "peakMiB", "serveMiB", "heapB/s", "diskB/s", "diskMB", "segs", "vs plain-disk: p50 p99 cpu/q peak build-rate")
	var plain scaleResult
	for _, r := range rs {
		if r.Mode == "plain-disk" {
			plain = r
		}
		rate := float64(r.Sentences) / r.BuildSec
		fmt.Fprintf(&sb, "%9d %-10s %4d %9.0f %8d %8d %8d %8.0f %9.0f %8.0f %8.0f %7.1f %5d",
			r.Sentences, r.Mode, r.GOGC, rate, r.P50.Microseconds(), r.P99.Microseconds(), r.CPU.Microseconds(),
			float64(r.PeakRSS)/(1<<20), float64(r.RSS)/(1<<20), float64(r.Heap)/float64(r.Sentences),
			float64(r.Disk)/float64(r.Sentences), float64(r.Disk)/1e6, r.Segments)
		if r.Mode != "plain-disk" && plain.Sentences == r.Sentences {
			fmt.Fprintf(&sb, "  %.2f× %.2f× %.2f× %.2f× %.2f×",
				float64(r.P50)/float64(plain.P50), float64(r.P99)/float64(plain.P99), float64(r.CPU)/float64(plain.CPU),
				float64(r.PeakRSS)/float64(plain.PeakRSS), rate/(float64(plain.Sentences)/plain.BuildSec))
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// TestScaleChild is BenchmarkScale's child process; it does nothing
// unless KUTIP_SCALE_CHILD names a configuration.
func TestScaleChild(t *testing.T) {
	spec := os.Getenv(scaleChildEnv)
	if spec == "" {
		t.Skip("runs only as BenchmarkScale's child process")
	}
	mode, size, _ := strings.Cut(spec, ",")
	n, err := strconv.Atoi(size)
	if err != nil || !slices.Contains(scaleModes, mode) {
		t.Fatalf("%s=%q: want one of %v, a comma and a sentence count", scaleChildEnv, spec, scaleModes)
	}
	if strings.HasPrefix(mode, "kutip") {
		shippedGOGC()
	}
	docs := scaleDocs(t, n)
	questions := scaleQuestions(t)
	r := measureScale(t, mode, docs, questions)
	r.GOGC = debug.SetGCPercent(100)
	debug.SetGCPercent(r.GOGC)
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("SCALE-RESULT %s\n", data)
}

// shippedGOGC sets the GC percent the kutip binary runs with (main.go):
// 50 unless GOGC is in the environment, so that the benchmark measures
// kutip as shipped; GOGC=100 in the benchmark's environment measures it at
// Go's default, as the plain bleve children always run.
func shippedGOGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(50)
	}
}

// TestScaleHarness runs the scale measurement on the built-in article, in
// every configuration.
func TestScaleHarness(t *testing.T) {
	questions := []string{"when did Russia ratify?", "berapa tentara Korea Utara dikerahkan?"}
	for _, mode := range scaleModes {
		t.Run(mode, func(t *testing.T) {
			r := measureScale(t, mode, corpus.Default(), questions)
			if r.Sentences == 0 || r.Questions != len(questions) || r.P99 < r.P50 || r.BuildSec <= 0 || r.Segments == 0 {
				t.Errorf("scale measurement = %+v", r)
			}
			if strings.HasSuffix(mode, "-disk") != (r.Disk > 0) {
				t.Errorf("%s: %d bytes on disk", mode, r.Disk)
			}
		})
	}
}

// scaleSearcher answers one question.
type scaleSearcher func(ctx context.Context, q string) error

// measureScale builds docs in one configuration and asks every question
// twice, timing the second pass.
func measureScale(tb testing.TB, mode string, docs []corpus.Document, questions []string) scaleResult {
	tb.Helper()
	ctx := tb.Context()
	r := scaleResult{Mode: mode, Sentences: sentencesIn(docs), Questions: len(questions)}
	dir := ""
	if strings.HasSuffix(mode, "-disk") {
		dir = tb.TempDir()
	}
	runtime.GC()
	before := liveHeap()
	start := time.Now()
	var (
		search scaleSearcher
		bi     bleve.Index
	)
	if strings.HasPrefix(mode, "plain") {
		bi = buildPlain(tb, docs, dir)
		search = func(ctx context.Context, q string) error {
			mq := bleve.NewMatchQuery(q)
			mq.SetField("text")
			_, err := bi.SearchInContext(ctx, bleve.NewSearchRequest(mq))
			return err
		}
	} else {
		ix, err := Build(ctx, docs, Options{Dir: dir})
		if err != nil {
			tb.Fatal(err)
		}
		bi = ix.bleve
		if err := ix.Store().Unmerged; err != nil {
			tb.Logf("%s: built in memory, unmerged: %v", mode, err)
			fmt.Fprintf(os.Stderr, "%s at %d sentences: built in memory, unmerged: %v\n", mode, r.Sentences, err)
		}
		search = func(ctx context.Context, q string) error {
			_, err := ix.Ask(ctx, q)
			return err
		}
	}
	defer bi.Close()
	r.BuildSec = time.Since(start).Seconds()
	r.Segments = segmentsOf(bi)

	for _, q := range questions {
		if err := search(ctx, q); err != nil {
			tb.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, len(questions))
	cpu := processCPU()
	for _, q := range questions {
		t0 := time.Now()
		if err := search(ctx, q); err != nil {
			tb.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	r.CPU = (processCPU() - cpu) / time.Duration(len(questions))
	slices.Sort(lat)
	r.P50 = lat[len(lat)*50/100]
	r.P99 = lat[min(len(lat)-1, len(lat)*99/100)]

	runtime.GC()
	if after := liveHeap(); after > before {
		r.Heap = after - before
	}
	if path := os.Getenv("KUTIP_SCALE_HEAPPROFILE"); path != "" {
		writeHeapProfile(tb, path)
	}
	runtime.KeepAlive(search)
	r.RSS = procStatus("VmRSS")
	r.PeakRSS = procStatus("VmHWM")
	if dir != "" {
		r.Disk = dirSize(tb, dir)
	}
	runtime.KeepAlive(docs)
	return r
}

// buildPlain indexes one bleve document per sentence with bleve's default
// mapping, in batches of 1,000; on disk it closes and reopens the index,
// as kutip does.
func buildPlain(tb testing.TB, docs []corpus.Document, dir string) bleve.Index {
	tb.Helper()
	path := ""
	if dir != "" {
		path = filepath.Join(dir, "plain")
	}
	b, err := bleve.NewUsing(path, bleve.NewIndexMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		tb.Fatal(err)
	}
	batch := b.NewBatch()
	n := 0
	for _, d := range docs {
		for _, p := range d.Paragraphs {
			for _, s := range p.Sentences {
				if err := batch.Index(strconv.Itoa(n), struct {
					Text string `json:"text"`
				}{s.Text}); err != nil {
					tb.Fatal(err)
				}
				n++
				if batch.Size() >= 1000 {
					if err := b.Batch(batch); err != nil {
						tb.Fatal(err)
					}
					batch = b.NewBatch()
				}
			}
		}
	}
	if err := b.Batch(batch); err != nil {
		tb.Fatal(err)
	}
	if path == "" {
		return b
	}
	if err := b.Close(); err != nil {
		tb.Fatal(err)
	}
	b, err = bleve.OpenUsing(path, map[string]any{"read_only": true})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// segmentsOf is how many segments a scorch index's current snapshot holds.
func segmentsOf(b bleve.Index) int {
	adv, err := b.Advanced()
	if err != nil {
		return 0
	}
	r, err := adv.Reader()
	if err != nil {
		return 0
	}
	defer r.Close()
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		return len(snap.Segments())
	}
	return 0
}

// writeHeapProfile writes the live heap's profile to path.
func writeHeapProfile(tb testing.TB, path string) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		tb.Fatal(err)
	}
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// procStatus reads a size field (VmRSS, VmHWM) of /proc/self/status in
// bytes, 0 where /proc is not.
func procStatus(field string) uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func sentencesIn(docs []corpus.Document) int {
	n := 0
	for i := range docs {
		n += docs[i].SentenceCount()
	}
	return n
}

// scaleEvalDir finds the shared eval folder from the package folder: beside
// the repository in development and in CI.
func scaleEvalDir() string {
	for _, p := range []string{"../../shared/eval", "../shared/eval"} {
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			return p
		}
	}
	return ""
}

// scaleDocs makes a corpus of n sentences from the FacQA and XQuAD
// passages, one document per passage, the passages again and again with
// fresh IDs ("facqa-000001~2") as needed; the last is cut to size.
func scaleDocs(tb testing.TB, n int) []corpus.Document {
	tb.Helper()
	var base []corpus.Document
	for _, set := range []string{"facqa", "xquad-en"} {
		docs, _, err := corpus.Load(filepath.Join(scaleEvalDir(), set, "corpus.jsonl"))
		if err != nil {
			tb.Fatal(err)
		}
		base = append(base, docs...)
	}
	var out []corpus.Document
	total := 0
	for copy := 1; total < n; copy++ {
		for _, d := range base {
			if total >= n {
				break
			}
			if copy > 1 {
				d.ID = fmt.Sprintf("%s~%d", d.ID, copy)
			}
			if c := d.SentenceCount(); total+c > n {
				d = cutDocument(d, n-total)
			}
			total += d.SentenceCount()
			out = append(out, d)
		}
	}
	return out
}

// cutDocument keeps the first n sentences of d.
func cutDocument(d corpus.Document, n int) corpus.Document {
	var paras []corpus.Paragraph
	for _, p := range d.Paragraphs {
		if n == 0 {
			break
		}
		if len(p.Sentences) > n {
			p.Sentences = p.Sentences[:n]
		}
		n -= len(p.Sentences)
		paras = append(paras, p)
	}
	d.Paragraphs = paras
	return d
}

// scaleQuestions reads the shared eval sets' dev questions, at most 500 of
// each set.
func scaleQuestions(tb testing.TB) []string {
	tb.Helper()
	var qs []string
	files, _ := filepath.Glob(filepath.Join(scaleEvalDir(), "*", "dev.jsonl"))
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for n := 0; sc.Scan() && n < 500; n++ {
			var q struct{ Question string }
			if json.Unmarshal(sc.Bytes(), &q) == nil && q.Question != "" {
				qs = append(qs, q.Question)
			}
		}
		fh.Close()
	}
	if len(qs) == 0 {
		tb.Fatal("no questions in the shared eval sets")
	}
	return qs
}

// TestBuildWithoutDir checks that a corpus too large to index in memory
// is built in a temporary folder, merged as on disk, that nothing is left
// in that folder once the index is open, and that without a usable
// temporary folder the index is built in memory.
func TestBuildWithoutDir(t *testing.T) {
	docs := []corpus.Document{rotatedArticle(memoryBuildMax + indexBatch)}
	tests := []struct {
		name   string
		tmp    string
		merged bool
	}{
		{"temporary folder", t.TempDir(), true},
		{"no temporary folder", filepath.Join(t.TempDir(), "missing"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TMPDIR", tc.tmp)
			ix := mustBuild(t, docs)
			segments := segmentsOf(ix.bleve)
			batches := (ix.SentenceCount() + indexBatch - 1) / indexBatch
			if tc.merged && segments >= batches || !tc.merged && segments != batches {
				t.Errorf("%d sentences in %d segments, want %s %d (one per batch)", ix.SentenceCount(), segments,
					map[bool]string{true: "fewer than", false: "exactly"}[tc.merged], batches)
			}
			if unmerged := ix.Store().Unmerged; (unmerged == nil) != tc.merged {
				t.Errorf("Store().Unmerged = %v", unmerged)
			}
			if left, _ := os.ReadDir(tc.tmp); len(left) > 0 {
				t.Errorf("left in the temporary folder: %v", left)
			}
			a, err := ix.Ask(t.Context(), "when did Russia ratify the treaty?")
			if err != nil || !a.Answered || len(a.Passages) == 0 || !strings.Contains(a.Passages[0].Text, "Rusia meratifikasi") {
				t.Errorf("Ask = %+v, %v; want a sentence on Russia's ratification", a, err)
			}
		})
	}
}
