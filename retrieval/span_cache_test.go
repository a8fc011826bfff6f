package retrieval

import "testing"

// TestSpanCacheIsBounded: spans are remembered per sentence and type, and
// a cache that reaches maxCachedSpans starts again rather than growing.
func TestSpanCacheIsBounded(t *testing.T) {
	var c spanCache
	sents := make([]sentence, maxCachedSpans+1)
	for i := range sents {
		c.put(spanKey{&sents[i], typeDate}, []span{{from: i, to: i}})
	}
	if got, ok := c.get(spanKey{&sents[3], typeNumber}); ok {
		t.Errorf("get(another type) = %v, true; want nothing", got)
	}
	last := len(sents) - 1
	if got, ok := c.get(spanKey{&sents[last], typeDate}); !ok || len(got) != 1 || got[0].from != last {
		t.Errorf("get(the latest sentence) = %v, %v; want its span from %d", got, ok, last)
	}
	if got, ok := c.get(spanKey{&sents[0], typeDate}); ok {
		t.Errorf("get(the first sentence) = %v, true after %d more; want it dropped", got, maxCachedSpans)
	}
	if n := len(c.m); n > maxCachedSpans {
		t.Errorf("cache holds %d entries, want at most %d", n, maxCachedSpans)
	}
}
