package bot

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestDrainWaitsForHandlers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, _, _ := newTestBot(t, &fakeIndex{}, Options{})
		release := make(chan struct{})
		finished := false
		go b.track(func() {
			<-release
			time.Sleep(time.Second) // a reply being sent
			finished = true
		})
		synctest.Wait()

		drained := make(chan struct{})
		go func() {
			b.drain(func() { t.Error("work cancelled before the drain timeout") })
			close(drained)
		}()
		synctest.Wait()
		// Shutdown has begun: new events are dropped.
		ran := false
		b.track(func() { ran = true })
		if ran {
			t.Error("a handler started after shutdown began")
		}
		select {
		case <-drained:
			t.Fatal("drain returned with a handler in flight")
		default:
		}
		close(release)
		<-drained
		if !finished {
			t.Error("drain returned before the handler finished")
		}
	})
}

func TestDrainTimeoutCancelsWork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, _, logs := newTestBot(t, &fakeIndex{}, Options{DrainTimeout: 5 * time.Second})
		work, cancel := context.WithCancel(t.Context())
		defer cancel()
		go b.track(func() { <-work.Done() }) // a handler stuck until cancelled
		synctest.Wait()
		start := time.Now()
		b.drain(cancel)
		if took := time.Since(start); took != 5*time.Second {
			t.Errorf("drain took %v, want the 5s timeout", took)
		}
		if work.Err() == nil {
			t.Error("work was not cancelled")
		}
		synctest.Wait()
		if l := logs.String(); !strings.Contains(l, "drain timeout") {
			t.Errorf("log does not mention the drain timeout:\n%s", l)
		}
	})
}

func TestConnectedStartsFalse(t *testing.T) {
	b, _, _ := newTestBot(t, &fakeIndex{}, Options{})
	if b.Connected() {
		t.Error("Connected() = true before Run")
	}
	if err := b.Run(t.Context()); err == nil {
		t.Error("Run without a session: err = nil")
	}
}
