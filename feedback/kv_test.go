package feedback

import (
	"errors"
	"fmt"
	"testing"
)

// TestMemoryBound: a store in memory keeps at most MaxMemoryRecords
// questions (plus a tenth before it trims), dropping the oldest; a failed
// transaction that trimmed puts everything back.
func TestMemoryBound(t *testing.T) {
	m := newMemBackend()
	key := func(i int) []byte { return []byte(fmt.Sprintf("%08d", i)) }
	total := MaxMemoryRecords + MaxMemoryRecords/10 + 5
	if err := m.update(func(t tx) error {
		for i := range total {
			if err := t.put(bucketQuestions, key(i), []byte("q")); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	q := m.b[bucketQuestions]
	if want := MaxMemoryRecords + 5; len(q) != want {
		t.Errorf("%d questions kept, want %d", len(q), want)
	}
	if _, ok := q[string(key(total-MaxMemoryRecords-6))]; ok {
		t.Errorf("an old question survived the trim")
	}
	if _, ok := q[string(key(total-1))]; !ok {
		t.Errorf("the newest question was trimmed")
	}
	before := len(q)
	err := m.update(func(t tx) error {
		for i := range MaxMemoryRecords {
			if err := t.put(bucketQuestions, key(total+i), []byte("q")); err != nil {
				return err
			}
		}
		return errors.New("fail")
	})
	if err == nil || len(m.b[bucketQuestions]) != before {
		t.Errorf("after a failed update: %v, %d questions; want the error and %d", err, len(m.b[bucketQuestions]), before)
	}
	if _, ok := m.b[bucketQuestions][string(key(total-1))]; !ok {
		t.Errorf("a failed update lost a question")
	}
}
