package bot

import (
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// discordgo's Session.Open waits for the gateway's HELLO and READY with no
// deadline and no context. gatewayConns makes it interruptible: the
// session dials the gateway through it, and closeAll closes those
// connections, so a blocked Open fails at once.
type gatewayConns struct {
	mu     sync.Mutex
	conns  map[*trackedConn]struct{}
	closed bool

	// The connections' reads go through a frameWatch (frames.go), which
	// notes the close code Discord ends a connection with and holds back
	// op 9 INVALID_SESSION for invalidWait before discordgo sees it.
	invalidWait func() time.Duration
	log         *slog.Logger
	lastClose   atomic.Int64 // the latest close code received, 0 for none
}

var errStopped = errors.New("bot is stopping")

// dialer returns a copy of d that dials through g. A nil d means
// websocket.DefaultDialer.
func (g *gatewayConns) dialer(d *websocket.Dialer) *websocket.Dialer {
	if d == nil {
		d = websocket.DefaultDialer
	}
	out := *d
	next := d.NetDialContext
	if next == nil && d.NetDial != nil {
		nd := d.NetDial
		next = func(_ context.Context, network, addr string) (net.Conn, error) { return nd(network, addr) }
	}
	if next == nil {
		next = (&net.Dialer{}).DialContext
	}
	out.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return g.track(c)
	}
	return &out
}

func (g *gatewayConns) track(c net.Conn) (net.Conn, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		c.Close()
		return nil, errStopped
	}
	if g.conns == nil {
		g.conns = map[*trackedConn]struct{}{}
	}
	tc := &trackedConn{Conn: c, g: g, closed: make(chan struct{})}
	tc.watch = frameWatch{r: c, onFrame: tc.frame}
	g.conns[tc] = struct{}{}
	return tc, nil
}

// closeAll closes every gateway connection and refuses new ones.
func (g *gatewayConns) closeAll() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.closeConns()
}

// closeConns closes every gateway connection.
func (g *gatewayConns) closeConns() {
	g.mu.Lock()
	conns := g.conns
	g.conns = nil
	g.mu.Unlock()
	for c := range conns {
		c.Conn.Close()
	}
}

// trackedConn forgets itself when closed, and watches the frames it reads.
type trackedConn struct {
	net.Conn
	g         *gatewayConns
	watch     frameWatch
	closed    chan struct{}
	closeOnce sync.Once
}

func (c *trackedConn) Read(p []byte) (int, error) { return c.watch.Read(p) }

func (c *trackedConn) Close() error {
	c.g.mu.Lock()
	delete(c.g.conns, c)
	c.g.mu.Unlock()
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// frame acts on a small text or close frame from the gateway before
// discordgo reads it.
func (c *trackedConn) frame(opcode byte, payload []byte) {
	switch opcode {
	case wsClose:
		if len(payload) >= 2 {
			c.g.lastClose.Store(int64(binary.BigEndian.Uint16(payload)))
		}
	case wsText:
		if gatewayOp(payload) != opInvalidSession {
			return
		}
		// discordgo answers op 9 with IDENTIFY at once; Discord asks for
		// a wait of 1 to 5 seconds, and a server that keeps refusing
		// would otherwise get a storm of them.
		wait := invalidSessionWait()
		if c.g.invalidWait != nil {
			wait = c.g.invalidWait()
		}
		if c.g.log != nil {
			c.g.log.Info("gateway invalidated the session; identifying again after a wait", "wait", wait.Round(time.Millisecond))
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-c.closed:
		}
	}
}

// closeCode returns the close code of the latest connection Discord
// closed, and forgets it.
func (g *gatewayConns) closeCode() int { return int(g.lastClose.Swap(0)) }
