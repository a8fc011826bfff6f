package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// The bot reconnects to the gateway itself, with discordgo's own
// reconnection (Session.ShouldReconnectOnError) turned off, because
// discordgo v0.29.0 can turn a reconnect into a loop (wsapi.go):
//
//   - Open starts a heartbeat goroutine for the new connection, which
//     writes its first heartbeat at once, and a listen goroutine.
//   - When that connection is closed before the first write (a cut, or op
//     7, which listen answers with CloseWithCode), the write fails: the
//     close frame has been sent, or the socket is gone. CloseWithCode holds
//     the session's lock for a second (it waits for the server to close),
//     and the heartbeat goroutine blocks on that lock before it writes, so
//     any cut or op 7 that listen acts on first leaves it to fail.
//   - A failed heartbeat calls Session.Close and then reconnect. Close acts
//     on the session's current connection, not the heartbeat's own: by
//     then listen has reconnected, so it closes the new connection, with
//     code 1000, which ends the session on Discord, and reconnects again.
//     The newer connection's heartbeat is held at the lock by that Close,
//     and fails the same way: each connection's heartbeat closes the next,
//     about once a second, and the events sent to the sessions it ends are
//     lost.
//
// listen checks that a read error is its own connection's before acting on
// it; the heartbeat does not check its write error. The loop needs a
// reconnection to open a connection while a heartbeat left behind has yet
// to fail. So the bot reconnects from one goroutine, and after a connection
// that ended before its first heartbeat was acknowledged (the only kind that
// can leave such a heartbeat behind) it waits a moment before reopening:
// the heartbeat left behind runs as soon as the lock is free, and its Close
// then finds no connection to close. The wait doubles, jittered, while
// reconnections keep failing, so nothing can loop fast; one that had a
// heartbeat acknowledged reconnects at once, as discordgo would.
//
// No newer discordgo is on the module proxy (v0.29.0 is the latest).

const (
	// reconnectSettle is the first wait before reopening after a
	// connection that ended before its first heartbeat was acknowledged, or
	// after a failed reconnection; it doubles with each such failure in a
	// row, up to reconnectMax, jittered.
	reconnectSettle = 500 * time.Millisecond
	reconnectMax    = time.Minute
	// openTimeout bounds a reconnection's Open, which waits for HELLO and
	// READY (or RESUMED) without a deadline of its own.
	openTimeout = 30 * time.Second
)

// reconnector keeps the session connected. Its run loop is the only code
// that calls Open after the first connection.
type reconnector struct {
	s   *discordgo.Session
	gw  *gatewayConns
	log *slog.Logger
	// lost is signalled at every Disconnect event.
	lost chan struct{}
	// base is LastHeartbeatAck just after the current connection opened:
	// Open sets it on HELLO, and it moves at the connection's first
	// heartbeat acknowledgement. Only run touches it.
	base time.Time
	// timeout bounds an Open (openTimeout); wait is how long to wait
	// after n failures in a row (reconnectWait). Tests shorten them.
	timeout time.Duration
	wait    func(n int) time.Duration
	// fatal gets the error that ends Run when the gateway ends the
	// connection in a way no reconnection can mend.
	fatal chan error
	// gate, when set, waits before an Open for the shard's turn to
	// identify (shard.go); it fails only when ctx ends.
	gate func(ctx context.Context) error
}

func newReconnector(s *discordgo.Session, gw *gatewayConns, log *slog.Logger) *reconnector {
	return &reconnector{s: s, gw: gw, log: log, lost: make(chan struct{}, 1), timeout: openTimeout, wait: reconnectWait, fatal: make(chan error, 1)}
}

// disconnected tells run that a connection ended.
func (r *reconnector) disconnected() {
	select {
	case r.lost <- struct{}{}:
	default:
	}
}

// opened notes that a connection has just opened.
func (r *reconnector) opened() { r.base = r.lastAck() }

// acknowledged reports whether the connection opened last has had a
// heartbeat acknowledged, and so its heartbeat goroutine has written.
func (r *reconnector) acknowledged() bool { return !r.lastAck().Equal(r.base) }

func (r *reconnector) lastAck() time.Time {
	r.s.RLock()
	defer r.s.RUnlock()
	return r.s.LastHeartbeatAck
}

// run reconnects after every disconnect until ctx ends, or until the
// gateway closes a connection with a code after which Discord says not to
// reconnect (4004, 4010–4014): then it sends the error to r.fatal and
// returns. After 4007 (invalid seq) and 4009 (session timed out) it starts
// a new session (IDENTIFY) instead of resuming; after any other close, or a
// dropped connection, it resumes. It reports whether it left an Open under
// way, which can no longer succeed (its connections are closed and new
// ones refused) but may still hold the session's lock for as long as its
// HTTP client allows.
func (r *reconnector) run(ctx context.Context) (abandoned bool) {
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return false
		case <-r.lost:
		}
		if r.closedFor(r.gw.closeCode()) {
			return false
		}
		if r.acknowledged() {
			failures = 0
		} else {
			failures++
		}
		for {
			if failures > 0 {
				d := r.wait(failures)
				r.log.Info("gateway reconnect waits", "wait", d, "failures", failures)
				if sleep(ctx, d) != nil {
					return false
				}
			}
			if r.gate != nil && r.gate(ctx) != nil {
				return false
			}
			// Disconnects meanwhile are the ones this reconnection answers.
			select {
			case <-r.lost:
			default:
			}
			abandoned, err := r.open(ctx)
			if abandoned {
				return true
			}
			if ctx.Err() != nil {
				return false
			}
			if err == nil {
				break
			}
			if fatal := gatewayFatal(err); fatal != nil {
				r.fatal <- fatal
				return false
			}
			if r.closedFor(r.gw.closeCode()) {
				return false
			}
			failures++
			r.log.Warn("gateway reconnect failed", "err", err, "failures", failures)
		}
	}
}

// closedFor acts on the close code the gateway ended a connection with (0
// for none): a final one goes to r.fatal, and closedFor reports true; 4007
// and 4009 make the next Open start a new session.
func (r *reconnector) closedFor(code int) bool {
	if code == 0 {
		return false
	}
	if err := gatewayFatal(&websocket.CloseError{Code: code}); err != nil {
		r.fatal <- err
		return true
	}
	if code == closeInvalidSeq || code == closeSessionTimedOut {
		if forgetSession(r.s) {
			r.log.Info("gateway ended the session; starting a new one", "close", code)
		} else {
			r.log.Warn("gateway ended the session, and discordgo's session could not be reset: resuming, which Discord will refuse", "close", code)
		}
	}
	return false
}

// Close codes after which Discord asks for a new session.
const (
	closeInvalidSeq      = 4007
	closeSessionTimedOut = 4009
)

// resumeFields returns the unexported fields by which discordgo v0.29.0
// decides to resume: the session ID (a string) and the sequence number (a
// *int64). ok is false when they are not there as expected (another
// discordgo version). The caller locks s before reading or writing them.
func resumeFields(s *discordgo.Session) (id, seq reflect.Value, ok bool) {
	v := reflect.ValueOf(s).Elem()
	id, seq = v.FieldByName("sessionID"), v.FieldByName("sequence")
	ok = id.IsValid() && id.Kind() == reflect.String && seq.IsValid() && seq.Kind() == reflect.Pointer && seq.Type().Elem().Kind() == reflect.Int64
	return id, seq, ok
}

// forgetSession makes discordgo's next Open identify (a new session)
// rather than resume. discordgo v0.29.0 resumes whenever it holds a session
// ID or a sequence number, and exports no way to drop them, so this clears
// its unexported fields; it reports false, changing nothing, when they are
// not there as expected (another discordgo version), which TestForgetSession
// catches.
func forgetSession(s *discordgo.Session) bool {
	id, seq, ok := resumeFields(s)
	if !ok {
		return false
	}
	s.Lock()
	defer s.Unlock()
	reflect.NewAt(id.Type(), unsafe.Pointer(id.UnsafeAddr())).Elem().SetString("")
	if p := (*int64)(seq.UnsafePointer()); p != nil {
		atomic.StoreInt64(p, 0)
	}
	return true
}

// open opens a connection, or reports that one is open already. It gives
// up on an Open that takes longer than openTimeout by closing its
// connection, and on one under way when ctx ends, which it abandons.
func (r *reconnector) open(ctx context.Context) (abandoned bool, err error) {
	done := make(chan error, 1)
	go func() { done <- r.s.Open() }()
	timer := time.NewTimer(r.timeout)
	defer timer.Stop()
	for {
		select {
		case err := <-done:
			switch {
			case errors.Is(err, discordgo.ErrWSAlreadyOpen):
				return false, nil
			case err != nil:
				return false, err
			}
			r.opened()
			return false, nil
		case <-timer.C:
			r.gw.closeConns()
		case <-ctx.Done():
			r.gw.closeAll()
			select {
			case <-done:
				return false, ctx.Err()
			default:
				return true, ctx.Err()
			}
		}
	}
}

// reconnectWait is how long to wait before reopening after n ≥ 1 failures
// in a row: reconnectSettle doubling up to reconnectMax, each a random time
// between half that and all of it.
func reconnectWait(n int) time.Duration {
	d := min(reconnectSettle<<min(n-1, 16), reconnectMax)
	return d/2 + rand.N(d/2+1)
}
