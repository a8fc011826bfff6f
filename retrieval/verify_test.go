package retrieval

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"kutip/corpus"
)

// damageCorpus is a corpus of villages, each with one sentence that only
// it answers, large enough for a segment of tens of KiB.
func damageCorpus() ([]corpus.Document, []string) {
	syll := []string{"ka", "lo", "mi", "ra", "tu", "ve", "zo", "ne"}
	var b strings.Builder
	var questions []string
	for i := range 400 {
		name := strings.ToUpper(syll[i%8][:1]) + syll[i%8][1:] + syll[(i/8)%8] + syll[(i/64)%8]
		fmt.Fprintf(&b, "The village of %s built its stone bridge in %d and its school in %d.\n\n", name, 1500+i, 1100+3*i)
		if i%20 == 0 {
			questions = append(questions, "When did "+name+" build its stone bridge?")
		}
	}
	return []corpus.Document{{ID: "villages", Title: "Villages", Lang: "en", Paragraphs: corpus.Paragraphs(b.String())}}, questions
}

// answersOf returns the best passage for each question.
func answersOf(tb testing.TB, ix interface {
	Ask(context.Context, string) (Answer, error)
}, questions []string) []string {
	tb.Helper()
	out := make([]string, len(questions))
	for i, q := range questions {
		out[i] = askTop(tb, ix, q)
	}
	return out
}

// largestSegment returns the largest segment file of the index folder.
func largestSegment(tb testing.TB, path string) string {
	tb.Helper()
	segs, _ := filepath.Glob(filepath.Join(path, "bleve", "store", "*.zap"))
	if len(segs) == 0 {
		tb.Fatal("no segment files to damage")
	}
	var best string
	var size int64 = -1
	for _, s := range segs {
		info, err := os.Stat(s)
		if err != nil {
			tb.Fatal(err)
		}
		if info.Size() > size {
			best, size = s, info.Size()
		}
	}
	return best
}

// overwrite writes data into the file at path at off, in place.
func overwrite(tb testing.TB, path string, off int64, data []byte) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.WriteAt(data, off); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// The damage of issue 17, done to a finished index folder.
var damages = []struct {
	name   string
	damage func(tb testing.TB, path string)
}{
	{"garbage in the segment", func(tb testing.TB, path string) {
		seg := largestSegment(tb, path)
		info, _ := os.Stat(seg)
		n := min(64<<10, info.Size()/2)
		junk := make([]byte, n)
		r := rand.New(rand.NewPCG(17, 1))
		for i := range junk {
			junk[i] = byte(r.Uint32())
		}
		overwrite(tb, seg, (info.Size()-n)/2, junk)
	}},
	{"zeroed first 4 KiB of the segment", func(tb testing.TB, path string) {
		seg := largestSegment(tb, path)
		info, _ := os.Stat(seg)
		overwrite(tb, seg, 0, make([]byte, min(4096, info.Size())))
	}},
	{"truncated segment", func(tb testing.TB, path string) {
		seg := largestSegment(tb, path)
		info, _ := os.Stat(seg)
		if err := os.Truncate(seg, info.Size()/2); err != nil {
			tb.Fatal(err)
		}
	}},
	{"deleted segment", func(tb testing.TB, path string) {
		mustRemove(tb, largestSegment(tb, path))
	}},
	{"zeroed first 4 KiB of root.bolt", func(tb testing.TB, path string) {
		overwrite(tb, filepath.Join(path, "bleve", "store", "root.bolt"), 0, make([]byte, 4096))
	}},
}

// TestDamageMatrix damages an index folder in each way of issue 17 and
// checks that the next Build detects it (naming the file), rebuilds it,
// answers as an undamaged index does, and that the rebuilt index is
// reused after.
func TestDamageMatrix(t *testing.T) {
	docs, questions := damageCorpus()
	ref, err := Build(t.Context(), docs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	want := answersOf(t, ref, questions)
	for _, tc := range damages {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ix, err := Build(t.Context(), docs, Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			path := ix.Store().Path
			ix.Close()
			tc.damage(t, path)

			ix = buildIn(t, docs, dir)
			s := ix.Store()
			if s.Reused || s.Repaired == nil {
				t.Fatalf("detected: Build over a damaged index: Store() = %+v, want it repaired", s)
			}
			if !strings.Contains(s.Repaired.Error(), "bleve/store/") {
				t.Errorf("detected: Repaired = %q, want it to name the damaged file", s.Repaired)
			}
			if got := answersOf(t, ix, questions); !slices.Equal(got, want) {
				t.Errorf("answers right: the rebuilt index answers %q, want %q", got, want)
			}
			if again := buildIn(t, docs, dir); !again.Store().Reused {
				t.Errorf("rebuilt: the repaired index is not reused: %+v", again.Store())
			}
		})
	}
}

// failingBleve is a bleve index whose searches fail the way a damaged
// segment makes them fail, and which records that it was closed.
type failingBleve struct {
	wrapped
	panics bool // panic instead of returning an error
	closed atomic.Bool
}

// wrapped names the embedded index: bleve.Index has a method Index.
type wrapped = bleve.Index

func (f *failingBleve) SearchInContext(context.Context, *bleve.SearchRequest) (*bleve.SearchResult, error) {
	if f.panics {
		panic("runtime error: slice bounds out of range [:4096] with capacity 0")
	}
	return nil, errors.New("dictionary for field terms err: vellum err: no decoder")
}

// Advanced fails as SearchInContext does: candidates runs bleve's
// searcher on the index's reader itself (searchBleve in bleve.go).
func (f *failingBleve) Advanced() (index.Index, error) {
	if f.panics {
		panic("runtime error: slice bounds out of range [:4096] with capacity 0")
	}
	return nil, errors.New("dictionary for field terms err: vellum err: no decoder")
}

func (f *failingBleve) Close() error {
	f.closed.Store(true)
	return f.wrapped.Close()
}

// TestDamageAtSearch checks, for an index whose questions bleve's searcher
// answers (a corpus too large for postings, see withoutPostings), that a
// search failing in bleve marks the index broken, that Live reports it and
// rebuilds it in the background in the same INDEX_DIR, answers right
// again, and closes the broken index.
func TestDamageAtSearch(t *testing.T) {
	for _, tc := range []struct{ onDisk, panics bool }{{true, false}, {false, false}, {true, true}} {
		onDisk := tc.onDisk
		t.Run(fmt.Sprintf("on disk %v, panics %v", tc.onDisk, tc.panics), func(t *testing.T) {
			docs, questions := damageCorpus()
			var opts Options
			if onDisk {
				opts.Dir = t.TempDir()
			}
			ix, err := Build(t.Context(), docs, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := answersOf(t, ix, questions)
			withoutPostings(ix)
			broken := &failingBleve{wrapped: ix.bleve, panics: tc.panics}
			ix.bleve = broken
			live := NewLive(ix)
			defer live.Close()
			var reports []Repair // written by the repair goroutine, read after wg.Wait
			live.OnRepair(func(rp Repair) { reports = append(reports, rp) })
			if err := live.Broken(); err != nil {
				t.Fatalf("Broken before any search = %v", err)
			}

			if got := askTop(t, live, questions[0]); got != "" {
				t.Errorf("Ask on a failing index answers %q, want nothing until it is rebuilt", got)
			}
			if err := ix.Broken(); err == nil || !strings.Contains(err.Error(), map[bool]string{false: "vellum err", true: "bleve panicked"}[tc.panics]) {
				t.Errorf("Index.Broken after a failed search = %v, want the search error", err)
			}
			live.repair.wg.Wait()
			if err := live.Broken(); err != nil {
				t.Errorf("Broken after the repair = %v", err)
			}
			if len(reports) != 2 || reports[0].Done || !reports[1].Done || reports[1].Err != nil ||
				reports[0].Path != ix.Store().Path || reports[1].Damage == nil || reports[1].Store.Path != live.Store().Path {
				t.Errorf("OnRepair reports %+v, want a start and a successful end naming the folder", reports)
			}
			if !broken.closed.Load() {
				t.Error("the broken index was not closed")
			}
			if got := answersOf(t, live, questions); !slices.Equal(got, want) {
				t.Errorf("after the repair Live answers %q, want %q", got, want)
			}
			s := live.Store()
			if onDisk && (s.Path == "" || s.Path != ix.Store().Path) {
				t.Errorf("repaired index lives at %q, want it rebuilt at %q", s.Path, ix.Store().Path)
			}
		})
	}
}

// TestDamageBrokenReported checks, for an index bleve's searcher answers,
// what Live.Broken says while a repair cannot finish (Live closed
// mid-way), that the broken index answers nothing meanwhile, and that a
// canceled search does not mark the index broken.
func TestDamageBrokenReported(t *testing.T) {
	docs, questions := damageCorpus()
	ix, err := Build(t.Context(), docs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	withoutPostings(ix)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := ix.Ask(ctx, questions[0]); !errors.Is(err, context.Canceled) {
		t.Errorf("Ask with a canceled ctx = %v, want context.Canceled", err)
	}
	if err := ix.Broken(); err != nil {
		t.Errorf("a canceled search marked the index broken: %v", err)
	}

	live := NewLive(ix)
	live.repair.stop() // no repair may start: the report stays red
	ix.bleve = &failingBleve{wrapped: ix.bleve}
	if got := askTop(t, live, questions[0]); got != "" {
		t.Errorf("a broken index answers %q, want nothing until it is rebuilt", got)
	}
	err = live.Broken()
	if err == nil || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "in memory") {
		t.Errorf("Live.Broken = %v, want it to say the in-memory index is damaged", err)
	}
	live.Close()
}

// TestVerifyPruneBuilds checks that a start removes the build folders no
// process owns, at once, and keeps those a build holds: the build folders
// of a child process killed mid-build (SIGKILL, as a crash loop does) are
// kept while it runs and removed by the next Build after it died.
func TestVerifyPruneBuilds(t *testing.T) {
	if dir := os.Getenv("KUTIP_TEST_BUILD_DIR"); dir != "" {
		// The child: hold a locked build folder as buildStore does, say
		// where, and wait to be killed.
		path, _, err := makeLockedFolder(dir, buildPrefix)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println(path)
		os.Stdin.Read(make([]byte, 1)) // until the parent kills it
		os.Exit(0)
	}
	dir := t.TempDir()
	crashed := filepath.Join(dir, buildPrefix+"crashed") // never locked
	if err := os.MkdirAll(filepath.Join(crashed, "bleve"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestVerifyPruneBuilds$")
	cmd.Env = append(os.Environ(), "KUTIP_TEST_BUILD_DIR="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q, %v", line, err)
	}
	running := filepath.Base(strings.TrimSpace(line))

	ix := buildIn(t, storeDoc("bridge", storeText), dir)
	index := filepath.Base(ix.Store().Path)
	if got, want := indexDirs(t, dir), []string{running, index}; !slices.Equal(got, want) {
		t.Errorf("while the child builds, the folder holds %q, want %q", got, want)
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	buildIn(t, storeDoc("bridge", storeText), dir)
	if got, want := indexDirs(t, dir), []string{index}; !slices.Equal(got, want) {
		t.Errorf("after the child was killed, the folder holds %q, want %q", got, want)
	}
}

// TestDamageAfterOpen damages a segment of an index in use: questions
// never read bleve's files (their candidates come from the postings), so
// every answer stays right and nothing is reported broken, and the next
// start finds the damage by its checksums and rebuilds the index.
func TestDamageAfterOpen(t *testing.T) {
	docs, questions := damageCorpus()
	dir := t.TempDir()
	ix, err := Build(t.Context(), docs, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := answersOf(t, ix, questions)
	live := NewLive(ix)
	overwrite(t, largestSegment(t, ix.Store().Path), 0, make([]byte, 4096))

	if got := answersOf(t, live, questions); !slices.Equal(got, want) {
		t.Errorf("with a damaged segment Live answers %q, want %q", got, want)
	}
	if err := live.Broken(); err != nil {
		t.Errorf("Broken = %v, want nil: no question reads the damaged file", err)
	}
	live.Close()
	again := buildIn(t, docs, dir)
	if again.Store().Reused || again.Store().Repaired == nil {
		t.Errorf("the next start reused the damaged index: %+v", again.Store())
	}
	if got := answersOf(t, again, questions); !slices.Equal(got, want) {
		t.Errorf("after the rebuild the index answers %q, want %q", got, want)
	}
}

// withoutPostings drops ix's postings, as a corpus too large for them
// has none: its candidates then come from bleve's searcher.
func withoutPostings(ix *Index) { ix.postings = postings{} }

// BenchmarkVerifyOpen measures what the checksums cost when an index of
// 50,000 sentences is opened: opening it with and without them, and
// checking the files with CRC-32C (what the manifest records) beside
// hashing them with SHA-256.
func BenchmarkVerifyOpen(b *testing.B) {
	docs := []corpus.Document{rotatedArticle(50_000)}
	dir := b.TempDir()
	ix, err := Build(b.Context(), docs, Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	path := ix.Store().Path
	ix.Close()
	sums, err := sumFiles(path, "bleve")
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, s := range sums {
		size += s.Size
	}
	b.Logf("%d sentences, %d files, %.1f MB", len(ix.sents), len(sums), float64(size)/1e6)

	b.Run("open with checksums", func(b *testing.B) {
		for b.Loop() {
			bl, err := ix.openChecked(path)
			if err != nil {
				b.Fatal(err)
			}
			bl.Close()
		}
	})
	b.Run("open without checksums", func(b *testing.B) {
		for b.Loop() {
			bl, err := ix.openBleve(filepath.Join(path, "bleve"))
			if err != nil {
				b.Fatal(err)
			}
			bl.Close()
		}
	})
	b.Run("crc32c", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			if err := checkSums(path, sums); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sha256", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			for name := range sums {
				f, err := os.Open(filepath.Join(path, name))
				if err != nil {
					b.Fatal(err)
				}
				h := sha256.New()
				if _, err := io.Copy(h, f); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		}
	})
}

// BenchmarkCandidates measures a question on 50,000 sentences with its
// candidates from the postings, as every index scores them, and from
// bleve's searcher, as a corpus too large for postings does.
func BenchmarkCandidates(b *testing.B) {
	ix, err := Build(b.Context(), []corpus.Document{rotatedArticle(50_000)}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	const q = "Kapan Korea Utara dan Rusia menandatangani perjanjian pertahanan?"
	for _, from := range []string{"postings", "bleve"} {
		if from == "bleve" {
			withoutPostings(ix)
		}
		b.Run(from, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Ask(b.Context(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestVerifyPruneTemp checks the temporary folders of large builds
// without INDEX_DIR: an unlocked one an hour old goes, a younger one (a
// build of a kutip that does not lock) and a locked one stay.
func TestVerifyPruneTemp(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	var dirs []string
	for _, name := range []string{"crashed", "young", "locked"} {
		d := filepath.Join(dir, tempPrefix+name)
		if err := os.MkdirAll(filepath.Join(d, "bleve"), 0o755); err != nil {
			t.Fatal(err)
		}
		if name != "young" {
			if err := os.Chtimes(d, old, old); err != nil {
				t.Fatal(err)
			}
		}
		dirs = append(dirs, d)
	}
	unlock, err := lockFolder(dirs[2])
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	pruneBuilds(dir, tempPrefix, time.Hour)
	if got, want := indexDirs(t, dir), []string{tempPrefix + "locked", tempPrefix + "young"}; !slices.Equal(got, want) {
		t.Errorf("after pruning the folder holds %q, want %q", got, want)
	}
}
