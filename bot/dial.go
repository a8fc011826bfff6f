package bot

import (
	"context"
	"errors"
	"net"
	"sync"

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
	tc := &trackedConn{Conn: c, g: g}
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

// trackedConn forgets itself when closed.
type trackedConn struct {
	net.Conn
	g *gatewayConns
}

func (c *trackedConn) Close() error {
	c.g.mu.Lock()
	delete(c.g.conns, c)
	c.g.mu.Unlock()
	return c.Conn.Close()
}
