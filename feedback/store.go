package feedback

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Store. The zero value of each field means its
// default.
type Options struct {
	// Retention is how long records are kept; zero or less keeps them
	// forever. Configuration defaults it to DefaultRetention.
	Retention time.Duration
	// LockTimeout bounds the wait for the file's lock, which another
	// process may hold for one transaction at a time. Default
	// DefaultLockTimeout.
	LockTimeout time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Warn, when set, is told what Open would have said but happened
	// later: the file turned out corrupt during a write, was moved to
	// path.corrupt-<time>, and the write went to a new file. Without it
	// such writes fail until the next Open. It may be called from any
	// goroutine writing to the store.
	Warn func(error)
}

// DefaultLockTimeout is long enough for other processes' transactions
// (milliseconds each) and short enough not to hold up an answer.
const DefaultLockTimeout = 2 * time.Second

// Store records answers, votes and questions. Its methods may be called
// concurrently. Create it with Open.
type Store struct {
	be   backend
	path string // "" in memory
	opts Options

	pruneMu   sync.Mutex
	lastPrune time.Time
	closed    atomic.Bool
}

// Open opens the store in the bbolt file at path, creating it, and deletes
// the records past retention. It always returns a usable store, and
// warning, when not nil, says what the operator should know and fix:
//
//   - path is empty: the store is in memory, and lost at exit;
//   - the file is not a readable database: it is renamed to
//     path.corrupt-<time> and a new one created;
//   - the file cannot be opened or stays locked by another process for
//     LockTimeout: the store is in memory.
//
// Open never blocks for longer than a few LockTimeouts.
func Open(path string, opts Options) (s *Store, warning error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	memory := func(why error) (*Store, error) {
		return &Store{be: newMemBackend(), opts: opts}, why
	}
	if path == "" {
		return memory(errors.New("feedback is kept in memory and lost at exit: set INDEX_DIR to keep it in INDEX_DIR/feedback.db"))
	}
	b := &boltBackend{path: path, timeout: opts.LockTimeout}
	s = &Store{be: b, path: path, opts: opts}
	var warnings []error
	for attempt := 0; ; attempt++ {
		_, err := s.Prune(context.Background()) // creates the file and buckets
		if err == nil {
			err = b.check()
		}
		if err == nil {
			break
		}
		if !errors.Is(err, errCorrupt) || attempt > 0 {
			warnings = append(warnings, err)
			return memory(fmt.Errorf("feedback is kept in memory and lost at exit: %w", errors.Join(warnings...)))
		}
		aside, merr := b.quarantine(opts.Now())
		if merr != nil {
			return memory(fmt.Errorf("feedback is kept in memory and lost at exit: %w; moving it aside: %w", err, merr))
		}
		if aside != "" {
			warnings = append(warnings, fmt.Errorf("%w; moved it to %s and started a new one", err, aside))
		}
	}
	b.heal, b.now = opts.Warn, opts.Now // from now on, a corrupt file is moved aside as it is found
	return s, errors.Join(warnings...)
}

// OpenReadOnly opens the store in the existing bbolt file at path for
// reading, as `kutip report` does while kutip serve writes to it: it
// creates, prunes and moves nothing, and the writing methods fail. It
// fails when the file is missing, corrupt, or locked by a writer for
// longer than LockTimeout.
func OpenReadOnly(path string, opts Options) (*Store, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	b := &boltBackend{path: path, timeout: opts.LockTimeout, readOnly: true}
	if err := b.view(func(tx) error { return nil }); err != nil {
		return nil, err
	}
	return &Store{be: b, path: path, opts: opts}, nil
}

// Path returns the store's file, or "" when it is in memory.
func (s *Store) Path() string { return s.path }

// Close ends the store: later calls fail with ErrClosed. Every write has
// been committed when its method returned, so Close has nothing to flush.
func (s *Store) Close() error {
	s.closed.Store(true)
	return s.be.close()
}

func (s *Store) usable(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return checkCtx(ctx)
}

// maxID and maxText bound what a caller may store: a snowflake has at most
// 20 digits, and the bot caps questions far below maxText.
const (
	maxID   = 64
	maxText = 4000
)

// Remember records what the answer a.ID showed, replacing an earlier
// record of that ID. It returns when the record is durable.
func (s *Store) Remember(ctx context.Context, a Answer) error {
	if err := s.usable(ctx); err != nil {
		return err
	}
	put, err := s.answerPut(a)
	if err != nil {
		return err
	}
	return s.update(put)
}

// Record is Asked and, when a is not nil, Remember, in one transaction:
// half the fsyncs of the two calls, for the answer path.
func (s *Store) Record(ctx context.Context, q Question, a *Answer) error {
	if err := s.usable(ctx); err != nil {
		return err
	}
	putQ, err := s.questionPut(q)
	if err != nil {
		return err
	}
	putA := func(tx) error { return nil }
	if a != nil {
		if putA, err = s.answerPut(*a); err != nil {
			return err
		}
	}
	return s.update(func(t tx) error {
		if err := putQ(t); err != nil {
			return err
		}
		return putA(t)
	})
}

// answerPut checks a and returns the write that records it.
func (s *Store) answerPut(a Answer) (func(tx) error, error) {
	if a.ID == "" || len(a.ID) > maxID || len(a.Question) > maxText || len(a.Previous) > maxText {
		return nil, fmt.Errorf("%w: answer ID %q, question of %d bytes", ErrInvalid, a.ID, len(a.Question))
	}
	if a.Time.IsZero() {
		a.Time = s.opts.Now()
	}
	a.Time = a.Time.UTC()
	val, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	return func(t tx) error { return t.put(bucketAnswers, []byte(a.ID), val) }, nil
}

// Recall returns the answer recorded under id; ok is false when there is
// none (never recorded, or past retention).
func (s *Store) Recall(ctx context.Context, id string) (a Answer, ok bool, err error) {
	if err := s.usable(ctx); err != nil {
		return Answer{}, false, err
	}
	err = s.be.view(func(t tx) error {
		val := t.get(bucketAnswers, []byte(id))
		if val == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(val, &a)
	})
	if err != nil {
		return Answer{}, false, fmt.Errorf("recall answer %s: %w", id, err)
	}
	return a, ok, nil
}

// voteRecord is a vote as stored.
type voteRecord struct {
	V Vote      `json:"v"`
	T time.Time `json:"t"`
}

// Vote records userID's vote v on answerID, replacing the user's earlier
// vote on it (None withdraws it), and returns the answer's tally. The
// answer need not be recorded: a vote is kept even when its answer's
// record was lost.
//
// The user is stored as HMAC-SHA-256(key, answerID, userID), truncated to
// 16 bytes, with a random key kept in the store: enough to keep one vote
// per user per answer, while the file holds no Discord user ID and a
// user's votes on different answers do not share a value. It is a
// pseudonym, not anonymity: whoever has the file and a list of candidate
// user IDs can test them.
func (s *Store) Vote(ctx context.Context, answerID, userID string, v Vote) (Tally, error) {
	if err := s.usable(ctx); err != nil {
		return Tally{}, err
	}
	if answerID == "" || userID == "" || len(answerID) > maxID || len(userID) > maxID || v < Down || v > Up {
		return Tally{}, fmt.Errorf("%w: vote %v by %q on answer %q", ErrInvalid, v, userID, answerID)
	}
	rec, err := json.Marshal(voteRecord{V: v, T: s.opts.Now().UTC()})
	if err != nil {
		return Tally{}, err
	}
	var tally Tally
	err = s.update(func(t tx) error {
		key, err := voterKey(t)
		if err != nil {
			return err
		}
		k := voteKey(answerID, voterHash(key, answerID, userID))
		if v == None {
			err = t.del(bucketVotes, k)
		} else {
			err = t.put(bucketVotes, k, rec)
		}
		if err != nil {
			return err
		}
		tally, err = tallyOf(t, answerID)
		return err
	})
	if err != nil {
		return Tally{}, fmt.Errorf("vote on answer %s: %w", answerID, err)
	}
	return tally, nil
}

// voterKey returns the store's key of voter hashes, making it on first use.
func voterKey(t tx) ([]byte, error) {
	if key := t.get(bucketMeta, []byte("key")); len(key) == 32 {
		return bytes.Clone(key), nil
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, t.put(bucketMeta, []byte("key"), key)
}

func voterHash(key []byte, answerID, userID string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(answerID))
	m.Write([]byte{0})
	m.Write([]byte(userID))
	return m.Sum(nil)[:16]
}

// voteKey is answerID, 0, hash: the votes of one answer are one range.
func voteKey(answerID string, hash []byte) []byte {
	return append(append([]byte(answerID), 0), hash...)
}

// voteRange returns the key range holding answerID's votes.
func voteRange(answerID string) (from, to []byte) {
	return append([]byte(answerID), 0), append([]byte(answerID), 1)
}

func tallyOf(t tx, answerID string) (Tally, error) {
	var tally Tally
	from, to := voteRange(answerID)
	err := t.scan(bucketVotes, from, to, func(_, v []byte) error {
		var r voteRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		switch r.V {
		case Up:
			tally.Up++
		case Down:
			tally.Down++
		}
		return nil
	})
	return tally, err
}

// Tally returns the votes on answerID.
func (s *Store) Tally(ctx context.Context, answerID string) (Tally, error) {
	if err := s.usable(ctx); err != nil {
		return Tally{}, err
	}
	var tally Tally
	err := s.be.view(func(t tx) error {
		var err error
		tally, err = tallyOf(t, answerID)
		return err
	})
	return tally, err
}

// Asked records a question and what became of it. It returns when the
// record is durable.
func (s *Store) Asked(ctx context.Context, q Question) error {
	if err := s.usable(ctx); err != nil {
		return err
	}
	put, err := s.questionPut(q)
	if err != nil {
		return err
	}
	return s.update(put)
}

// questionPut checks q and returns the write that records it.
func (s *Store) questionPut(q Question) (func(tx) error, error) {
	if !q.Outcome.valid() || len(q.ID) > maxID || len(q.Text) > maxText {
		return nil, fmt.Errorf("%w: question %q with outcome %q, text of %d bytes", ErrInvalid, q.ID, q.Outcome, len(q.Text))
	}
	if q.Time.IsZero() {
		q.Time = s.opts.Now()
	}
	q.Time = q.Time.UTC()
	if q.ID == "" {
		var r [8]byte
		if _, err := rand.Read(r[:]); err != nil {
			return nil, err
		}
		q.ID = "r" + hex.EncodeToString(r[:])
	}
	val, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	k := append(timeKey(q.Time), q.ID...)
	return func(t tx) error { return t.put(bucketQuestions, k, val) }, nil
}

// timeKey orders the questions by time: big-endian Unix nanoseconds, with
// times before 1970 as 0.
func timeKey(t time.Time) []byte {
	k := make([]byte, 8, 8+maxID)
	binary.BigEndian.PutUint64(k, uint64(max(0, t.UnixNano())))
	return k
}

// update runs fn in a write transaction, pruning too when PruneEvery has
// passed since the last prune.
func (s *Store) update(fn func(tx) error) error {
	now := s.opts.Now()
	s.pruneMu.Lock()
	due := s.opts.Retention > 0 && now.Sub(s.lastPrune) >= PruneEvery
	s.pruneMu.Unlock()
	err := s.be.update(func(t tx) error {
		if err := fn(t); err != nil {
			return err
		}
		if due {
			_, err := pruneBefore(t, now.Add(-s.opts.Retention))
			return err
		}
		return nil
	})
	if err == nil && due {
		s.pruneMu.Lock()
		s.lastPrune = now
		s.pruneMu.Unlock()
	}
	return err
}

// Prune deletes the records past retention now and returns how many.
func (s *Store) Prune(ctx context.Context) (int, error) {
	if err := s.usable(ctx); err != nil {
		return 0, err
	}
	var n int
	err := s.be.update(func(t tx) error {
		var err error
		n, err = s.pruneTx(t)
		return err
	})
	return n, err
}

func (s *Store) pruneTx(t tx) (int, error) {
	now := s.opts.Now()
	s.pruneMu.Lock()
	s.lastPrune = now
	s.pruneMu.Unlock()
	if s.opts.Retention <= 0 {
		return 0, nil
	}
	return pruneBefore(t, now.Add(-s.opts.Retention))
}

// pruneBefore deletes the answers, votes and questions older than cutoff.
func pruneBefore(t tx, cutoff time.Time) (int, error) {
	var old [][2][]byte // bucket, key
	collect := func(bucket string, older func(v []byte) (bool, error)) error {
		return t.scan(bucket, nil, nil, func(k, v []byte) error {
			o, err := older(v)
			if err != nil {
				// An unreadable record is of no use to a report: drop it.
				o = true
			}
			if o {
				old = append(old, [2][]byte{[]byte(bucket), bytes.Clone(k)})
			}
			return nil
		})
	}
	if err := collect(bucketAnswers, func(v []byte) (bool, error) {
		var a Answer
		err := json.Unmarshal(v, &a)
		return a.Time.Before(cutoff), err
	}); err != nil {
		return 0, err
	}
	if err := collect(bucketVotes, func(v []byte) (bool, error) {
		var r voteRecord
		err := json.Unmarshal(v, &r)
		return r.T.Before(cutoff), err
	}); err != nil {
		return 0, err
	}
	// Questions are in time order: everything before cutoff's key.
	if err := t.scan(bucketQuestions, nil, timeKey(cutoff), func(k, _ []byte) error {
		old = append(old, [2][]byte{[]byte(bucketQuestions), bytes.Clone(k)})
		return nil
	}); err != nil {
		return 0, err
	}
	for _, o := range old {
		if err := t.del(string(o[0]), o[1]); err != nil {
			return 0, err
		}
	}
	return len(old), nil
}
