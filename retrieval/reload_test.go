package retrieval

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kutip/corpus"
)

func TestLiveZeroValue(t *testing.T) {
	var l Live
	if _, err := l.Ask(t.Context(), "anything"); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Ask on an empty Live: %v, want ErrNoIndex", err)
	}
	if d := l.Documents(); d != nil {
		t.Errorf("Documents() = %v, want nil", d)
	}
	if l.Loaded() || l.SentenceCount() != 0 {
		t.Errorf("Loaded() = %v, SentenceCount() = %d, want false, 0", l.Loaded(), l.SentenceCount())
	}
	if err := l.Close(); err != nil {
		t.Errorf("Close on an empty Live: %v", err)
	}
}

// TestLiveSwapWaitsForCalls checks that a swapped-out index stays open for
// the calls that were using it, and is closed when the last one returns.
func TestLiveSwapWaitsForCalls(t *testing.T) {
	oldIx, err := Build(t.Context(), storeDoc("bridge", storeText), Options{})
	if err != nil {
		t.Fatal(err)
	}
	newIx, err := Build(t.Context(), storeDoc("ferry", "The ferry sails at noon."), Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := NewLive(oldIx)
	defer l.Close()

	inFlight := l.acquire() // a call that started before the swap
	l.Swap(newIx)
	if got := askTop(t, l, "ferry noon"); !strings.Contains(got, "ferry") {
		t.Errorf("after Swap, Ask answers %q, want the new corpus", got)
	}
	if got := askTop(t, inFlight.ix, "euros"); !strings.Contains(got, "euros") {
		t.Errorf("the call in flight answers %q, want the old corpus", got)
	}
	if _, err := oldIx.bleve.DocCount(); err != nil {
		t.Fatalf("old index closed while a call used it: %v", err)
	}
	if err := inFlight.release(); err != nil {
		t.Fatal(err)
	}
	if _, err := oldIx.bleve.DocCount(); err == nil {
		t.Error("old index still open after its last call returned")
	}
}

// TestLiveConcurrentSwaps runs questions while the index is swapped under
// them; with -race it checks the reference counting.
func TestLiveConcurrentSwaps(t *testing.T) {
	build := func() *Index {
		// Both languages, so that questions in either find their
		// analyzer's terms.
		docs := append(storeDoc("bridge", storeText), corpus.Document{
			ID: "jembatan", Title: "Jembatan", Lang: "id",
			Paragraphs: corpus.Paragraphs("Jembatan itu dibuka oleh wali kota pada bulan Maret."),
		})
		ix, err := Build(t.Context(), docs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return ix
	}
	l := NewLive(build())
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				a, err := l.Ask(t.Context(), "euros")
				if err != nil {
					t.Errorf("Ask during swaps: %v", err)
					return
				}
				if len(a.Passages) == 0 {
					t.Error("Ask during swaps found nothing")
					return
				}
			}
		})
	}
	for range 10 {
		l.Swap(build())
	}
	close(stop)
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Ask(t.Context(), "euros"); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Ask after Close: %v, want ErrNoIndex", err)
	}
}

func writeCorpus(tb testing.TB, dir, name, text string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// watchSetup builds a Live over a one-file corpus folder, on disk in
// indexDir ("" = in memory), and returns it with a watcher at its start.
func watchSetup(t *testing.T, indexDir string) (string, *Live, *watcher) {
	t.Helper()
	dir := t.TempDir()
	writeCorpus(t, dir, "bridge.txt", storeText)
	docs, _, err := corpus.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Build(t.Context(), docs, Options{Dir: indexDir})
	if err != nil {
		t.Fatal(err)
	}
	l := NewLive(ix)
	t.Cleanup(func() { l.Close() })
	opts := WatchOptions{Path: dir, Build: Options{Dir: indexDir}}
	w := &watcher{live: l, opts: opts, tried: listCorpus(dir)}
	w.seen = w.tried
	return dir, l, w
}

// settle polls until a reload is tried, at most a few times; a change is
// acted on at the second poll that sees it.
func settle(t *testing.T, w *watcher) Reload {
	t.Helper()
	for range 3 {
		if rl, ok := w.poll(t.Context()); ok {
			return rl
		}
	}
	t.Fatal("no reload after three polls")
	return Reload{}
}

func TestWatchReloads(t *testing.T) {
	for _, indexDir := range []string{"", "disk"} {
		t.Run("index="+indexDir, func(t *testing.T) {
			if indexDir != "" {
				indexDir = t.TempDir()
			}
			dir, l, w := watchSetup(t, indexDir)
			if _, ok := w.poll(t.Context()); ok {
				t.Fatal("reload with no change")
			}

			// A new file: reloaded once it has settled.
			writeCorpus(t, dir, "ferry.txt", "The ferry to the island sails at noon.")
			if _, ok := w.poll(t.Context()); ok {
				t.Fatal("reload at the first poll that saw the change; want it to wait for the files to settle")
			}
			rl := settle(t, w)
			if rl.Err != nil || !rl.Swapped || rl.Documents != 2 {
				t.Fatalf("reload after adding a file = %+v, want a swap to 2 documents", rl)
			}
			if got := askTop(t, l, "ferry island noon"); !strings.Contains(got, "ferry") {
				t.Errorf("after reload Ask answers %q, want the new file", got)
			}

			// A broken corpus: the old index stays.
			os.Remove(filepath.Join(dir, "bridge.txt"))
			writeCorpus(t, dir, "ferry.txt", "\x00\x01binary")
			rl = settle(t, w)
			if rl.Err == nil || rl.Swapped || !errors.Is(rl.Err, corpus.ErrNoText) || len(rl.Warnings) == 0 {
				t.Fatalf("reload of a broken corpus = %+v, want ErrNoText, a warning and no swap", rl)
			}
			if got := askTop(t, l, "ferry island noon"); !strings.Contains(got, "ferry") {
				t.Errorf("after a failed reload Ask answers %q, want the old index", got)
			}
			// It is not tried again until the files change.
			for range 3 {
				if rl, ok := w.poll(t.Context()); ok {
					t.Fatalf("the unchanged broken corpus was loaded again: %+v", rl)
				}
			}

			// Fixed again, then touched without a change.
			writeCorpus(t, dir, "ferry.txt", "The ferry to the island sails at noon.")
			writeCorpus(t, dir, "bridge.txt", storeText)
			if rl := settle(t, w); rl.Err != nil || rl.Swapped {
				t.Fatalf("reload of the corpus already indexed = %+v, want no swap", rl)
			}
			future := time.Now().Add(time.Hour)
			os.Chtimes(filepath.Join(dir, "bridge.txt"), future, future)
			if rl := settle(t, w); rl.Err != nil || rl.Swapped {
				t.Errorf("reload after a touch = %+v, want no swap", rl)
			}

			// Hidden files (editor swap files) are not the corpus.
			writeCorpus(t, dir, ".bridge.txt.swp", "junk")
			for range 3 {
				if rl, ok := w.poll(t.Context()); ok {
					t.Fatalf("reload for a hidden file: %+v", rl)
				}
			}
		})
	}
}

// TestWatch runs Watch itself for a change and checks that it stops with
// its context.
func TestWatch(t *testing.T) {
	dir, l, _ := watchSetup(t, "")
	reloads := make(chan Reload, 10)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- l.Watch(ctx, WatchOptions{Path: dir, Interval: 10 * time.Millisecond, OnReload: func(rl Reload) { reloads <- rl }})
	}()
	writeCorpus(t, dir, "ferry.txt", "The ferry to the island sails at noon.")
	timeout := time.After(10 * time.Second)
	for swapped := false; !swapped; {
		select {
		case rl := <-reloads:
			// The first look may find the corpus unchanged.
			if rl.Err != nil {
				t.Fatalf("reload = %+v", rl)
			}
			swapped = rl.Swapped
		case <-timeout:
			t.Fatal("no reload within 10s")
		}
	}
	if got := askTop(t, l, "ferry island noon"); !strings.Contains(got, "ferry") {
		t.Errorf("after reload Ask answers %q, want the new file", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Watch returned %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch did not return after cancel")
	}
}
