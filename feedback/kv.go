package feedback

import (
	"bytes"
	"slices"
	"sync"
)

// The store's records live in four buckets of ordered keys. Store's logic
// is written once against tx; a bbolt file and a map in memory implement
// it, so both stores behave the same.
const (
	bucketMeta      = "meta"      // "key": the 32-byte key of the voter hashes
	bucketAnswers   = "answers"   // answer ID → Answer (JSON)
	bucketVotes     = "votes"     // answer ID, 0, voter hash → voteRecord (JSON)
	bucketQuestions = "questions" // 8-byte big-endian Unix nanoseconds, question ID → Question (JSON)
)

var buckets = []string{bucketMeta, bucketAnswers, bucketVotes, bucketQuestions}

// tx is one transaction over the buckets. Values returned by get and
// passed to scan's fn are valid only until fn or the transaction returns.
type tx interface {
	get(bucket string, key []byte) []byte
	put(bucket string, key, val []byte) error
	del(bucket string, key []byte) error
	// scan calls fn for the keys in [from, to) in order; a nil to means
	// to the end. fn must not write.
	scan(bucket string, from, to []byte, fn func(k, v []byte) error) error
}

// backend runs transactions. update commits (durably, for a file) only
// when fn returns nil; view is read-only.
type backend interface {
	update(fn func(tx) error) error
	view(fn func(tx) error) error
	close() error
}

// memBackend keeps the buckets in memory, for when there is no INDEX_DIR
// or its file cannot be used. A failed update leaves nothing behind, as in
// bbolt.
type memBackend struct {
	mu sync.RWMutex
	b  map[string]map[string][]byte
}

func newMemBackend() *memBackend {
	m := &memBackend{b: map[string]map[string][]byte{}}
	for _, name := range buckets {
		m.b[name] = map[string][]byte{}
	}
	return m
}

func (m *memBackend) update(fn func(tx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := &memTx{m: m, writable: true}
	if err := fn(t); err != nil {
		t.rollback()
		return err
	}
	return nil
}

func (m *memBackend) view(fn func(tx) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&memTx{m: m})
}

func (m *memBackend) close() error { return nil }

type memTx struct {
	m        *memBackend
	writable bool
	undo     []undoRecord
}

// undoRecord restores one key's value before the transaction (nil: the key
// did not exist).
type undoRecord struct {
	bucket, key string
	val         []byte
	existed     bool
}

func (t *memTx) get(bucket string, key []byte) []byte {
	return t.m.b[bucket][string(key)]
}

func (t *memTx) put(bucket string, key, val []byte) error {
	if !t.writable {
		return errReadOnlyTx
	}
	b := t.m.b[bucket]
	old, ok := b[string(key)]
	if !ok && len(b) >= MaxMemoryRecords+MaxMemoryRecords/10 {
		t.trim(bucket)
	}
	t.undo = append(t.undo, undoRecord{bucket, string(key), old, ok})
	b[string(key)] = bytes.Clone(val)
	return nil
}

// MaxMemoryRecords bounds each kind of record (questions, answers, votes)
// a store in memory keeps, so that a bot running for months without
// INDEX_DIR does not grow without end: past it by a tenth, the tenth with
// the smallest keys goes (the oldest questions; answers and votes by
// snowflake, so also the oldest, roughly). A file has no such bound.
const MaxMemoryRecords = 100_000

// trim deletes the records of bucket with the smallest keys, down to
// MaxMemoryRecords.
func (t *memTx) trim(bucket string) {
	b := t.m.b[bucket]
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys[:len(keys)-MaxMemoryRecords] {
		t.undo = append(t.undo, undoRecord{bucket, k, b[k], true})
		delete(b, k)
	}
}

func (t *memTx) del(bucket string, key []byte) error {
	if !t.writable {
		return errReadOnlyTx
	}
	old, ok := t.m.b[bucket][string(key)]
	if !ok {
		return nil
	}
	t.undo = append(t.undo, undoRecord{bucket, string(key), old, true})
	delete(t.m.b[bucket], string(key))
	return nil
}

func (t *memTx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		u := t.undo[i]
		if u.existed {
			t.m.b[u.bucket][u.key] = u.val
		} else {
			delete(t.m.b[u.bucket], u.key)
		}
	}
	t.undo = nil
}

func (t *memTx) scan(bucket string, from, to []byte, fn func(k, v []byte) error) error {
	b := t.m.b[bucket]
	keys := make([]string, 0, len(b))
	for k := range b {
		if k >= string(from) && (to == nil || k < string(to)) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := fn([]byte(k), b[k]); err != nil {
			return err
		}
	}
	return nil
}
