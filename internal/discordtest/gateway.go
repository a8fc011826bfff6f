package discordtest

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresenceUpdate = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
	opSoundboard     = 31
)

// Gateway close codes the fake uses.
const (
	closeUnknownError       = 4000
	closeUnknownOpcode      = 4001
	closeDecodeError        = 4002
	closeNotAuthenticated   = 4003
	closeAuthFailed         = 4004
	closeAlreadyAuth        = 4005
	closeInvalidSeq         = 4007
	closeSessionTimedOut    = 4009
	closeInvalidShard       = 4010
	closeShardingRequired   = 4011
	closeInvalidAPIVersion  = 4012
	closeInvalidIntents     = 4013
	closeDisallowedIntents  = 4014
	compressThreshold       = 256 // dispatches this long or longer go zlib-compressed when asked
	maxSessions             = 64
	writeTimeout            = 10 * time.Second
	reconnectGrace          = 5 * time.Second
	intentGuilds            = 1 << 0
	intentGuildMessages     = 1 << 9
	intentDirectMessages    = 1 << 12
	intentMessageContent    = 1 << 15
	allIntents              = 1<<26 - 1
	defaultAppPermissions   = "2248473465835073"
	defaultMemberPermission = "2248473465835073"
)

// A session is a gateway session: it outlives connections and is resumed
// by ID. Its fields are guarded by Server.mu, except that sendMu orders
// dispatches: whoever holds it assigns the next sequence number and writes
// the frame, so frames leave in sequence order.
type session struct {
	id       string
	intents  int
	compress bool
	shard    *[2]int

	sendMu  sync.Mutex
	seq     int64
	events  []event // the last ReplayBuffer dispatches, oldest first
	conn    *gwConn // nil while disconnected
	invalid bool    // cannot be resumed
}

type event struct {
	seq   int64
	typ   string
	frame []byte // the whole op 0 payload
}

// A gwConn is one WebSocket connection.
type gwConn struct {
	srv  *Server
	ws   *websocket.Conn
	wmu  sync.Mutex
	sess *session // the session it speaks for; guarded by Server.mu
	once sync.Once
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveGateway runs one gateway connection until either side ends it.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered
	}
	ws.SetReadLimit(1 << 20)
	c := &gwConn{srv: s, ws: ws}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.stats.Connections++
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("gateway: connect %s", r.URL.RequestURI())

	clientCode := 0
	defer func() {
		c.cut()
		s.mu.Lock()
		delete(s.conns, c)
		s.stats.Disconnects++
		if sess := c.sess; sess != nil && sess.conn == c {
			sess.conn = nil
			// Closing with 1000 or 1001 ends the session on Discord: the bot
			// goes offline and cannot resume.
			if clientCode == websocket.CloseNormalClosure || clientCode == websocket.CloseGoingAway {
				s.invalidateLocked(sess)
			}
		}
		s.notifyLocked()
		s.mu.Unlock()
		s.logf("gateway: disconnect (client close code %d)", clientCode)
	}()

	q := r.URL.Query()
	if v := q.Get("v"); v != "9" && v != "10" {
		c.closeWith(closeInvalidAPIVersion, "Invalid API version.")
		return
	}
	if enc := q.Get("encoding"); enc != "" && enc != "json" {
		c.closeWith(closeUnknownError, "discordtest speaks encoding=json only.")
		return
	}
	if q.Get("compress") != "" {
		c.closeWith(closeUnknownError, "discordtest does not support transport compression; payload compression (identify.compress) works.")
		return
	}
	hello, _ := json.Marshal(map[string]any{
		"op": opHello, "s": nil, "t": nil,
		"d": map[string]any{"heartbeat_interval": s.opts.HeartbeatInterval.Milliseconds(), "_trace": []string{"discordtest"}},
	})
	if c.write(websocket.TextMessage, hello) != nil {
		return
	}

	for {
		mt, data, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				clientCode = ce.Code
			}
			return
		}
		if mt != websocket.TextMessage {
			c.closeWith(closeDecodeError, "Error while decoding payload.")
			return
		}
		var p struct {
			Op *int            `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(data, &p); err != nil || p.Op == nil {
			c.closeWith(closeDecodeError, "Error while decoding payload.")
			return
		}
		s.logf("gateway: recv op %d %s", *p.Op, truncate(string(p.D), 200))
		if !c.handle(*p.Op, p.D) {
			return
		}
	}
}

// handle acts on one client payload and reports whether to keep reading.
func (c *gwConn) handle(op int, d json.RawMessage) bool {
	s := c.srv
	switch op {
	case opHeartbeat:
		if string(d) != "null" && len(d) > 0 {
			if _, err := strconv.ParseInt(string(d), 10, 64); err != nil {
				c.closeWith(closeDecodeError, "Error while decoding payload.")
				return false
			}
		}
		s.mu.Lock()
		s.stats.Heartbeats++
		s.notifyLocked()
		s.mu.Unlock()
		return c.write(websocket.TextMessage, []byte(`{"op":11,"d":null,"s":null,"t":null}`)) == nil
	case opIdentify:
		return c.identify(d)
	case opResume:
		return c.resume(d)
	case opPresenceUpdate:
		if !c.authenticated() {
			c.closeWith(closeNotAuthenticated, "Not authenticated.")
			return false
		}
		var p struct {
			Since      *int64            `json:"since"`
			Activities []json.RawMessage `json:"activities"`
			Status     string            `json:"status"`
			AFK        *bool             `json:"afk"`
		}
		if err := json.Unmarshal(d, &p); err != nil || p.Activities == nil || p.AFK == nil ||
			!oneOf(p.Status, "online", "dnd", "idle", "invisible", "offline") {
			c.closeWith(closeDecodeError, "Error while decoding payload.")
			return false
		}
		s.mu.Lock()
		s.stats.PresenceUpdates++
		s.presence = append([]byte(nil), d...)
		s.notifyLocked()
		s.mu.Unlock()
		return true
	case opVoiceState, opRequestMembers, opSoundboard:
		if !c.authenticated() {
			c.closeWith(closeNotAuthenticated, "Not authenticated.")
			return false
		}
		return true // accepted and ignored: the fake has no voice or member lists
	default:
		c.closeWith(closeUnknownOpcode, "Unknown opcode.")
		return false
	}
}

func (c *gwConn) authenticated() bool {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return c.sess != nil
}

func (s *Server) tokenOK(tok string) bool {
	return tok == s.Token || tok == "Bot "+s.Token
}

func (c *gwConn) identify(d json.RawMessage) bool {
	s := c.srv
	var p struct {
		Token      string `json:"token"`
		Properties *struct {
			OS      string `json:"os"`
			Browser string `json:"browser"`
			Device  string `json:"device"`
		} `json:"properties"`
		Compress bool    `json:"compress"`
		Shard    *[2]int `json:"shard"`
		Intents  *int    `json:"intents"`
	}
	if err := json.Unmarshal(d, &p); err != nil || p.Properties == nil {
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return false
	}
	if !c.admit(p.Token) {
		return false
	}
	if p.Intents == nil || *p.Intents < 0 || *p.Intents&^allIntents != 0 {
		c.closeWith(closeInvalidIntents, "Invalid intent(s).")
		return false
	}
	if *p.Intents&s.opts.DeniedIntents != 0 {
		c.closeWith(closeDisallowedIntents, "Disallowed intent(s).")
		return false
	}
	if p.Shard != nil && (p.Shard[1] < 1 || p.Shard[0] < 0 || p.Shard[0] >= p.Shard[1]) {
		c.closeWith(closeInvalidShard, "Invalid shard.")
		return false
	}
	if s.shardTooLarge(p.Shard) {
		c.closeWith(closeShardingRequired, "Sharding required.")
		return false
	}

	s.mu.Lock()
	refuse := s.refuseIdentify > 0
	if refuse {
		s.refuseIdentify--
		s.stats.IdentifiesRefused++
		s.stats.InvalidSessions++
		s.notifyLocked()
	}
	s.mu.Unlock()
	if refuse {
		c.write(websocket.TextMessage, []byte(`{"op":9,"d":false,"s":null,"t":null}`))
		return true // the connection stays open, as on Discord
	}

	b := make([]byte, 16)
	rand.Read(b)
	sess := &session{id: hex.EncodeToString(b), intents: *p.Intents, compress: p.Compress, shard: p.Shard}
	sess.sendMu.Lock()
	defer sess.sendMu.Unlock()
	s.mu.Lock()
	s.sessions[sess.id] = sess
	s.sessOrder = append(s.sessOrder, sess.id)
	if len(s.sessOrder) > maxSessions {
		delete(s.sessions, s.sessOrder[0])
		s.sessOrder = s.sessOrder[1:]
	}
	c.sess, sess.conn = sess, c
	s.activateLocked(sess)
	s.idents = append(s.idents, shardKey(sess.shard))
	s.stats.Identifies++
	disrupt := s.takeDisruptionLocked()
	s.notifyLocked()
	s.mu.Unlock()

	s.mu.Lock()
	unavailable := make([]any, 0, len(s.guildIDs))
	creates := make([]map[string]any, 0, len(s.guildIDs))
	for _, id := range s.guildIDs {
		if !onShard(id, sess.shard) {
			continue // another shard's (shards.go)
		}
		unavailable = append(unavailable, map[string]any{"id": id, "unavailable": true})
		creates = append(creates, s.guildObjectLocked(id))
	}
	s.mu.Unlock()
	ready := map[string]any{
		"v":                  10,
		"user":               s.Bot.object(),
		"guilds":             unavailable,
		"session_id":         sess.id,
		"session_type":       "normal",
		"resume_gateway_url": s.GatewayURL,
		"application":        map[string]any{"id": s.Bot.ID, "flags": 0},
		"private_channels":   []any{},
		"presences":          []any{},
		"relationships":      []any{},
		"user_settings":      map[string]any{},
		"_trace":             []string{"discordtest"},
	}
	if p.Shard != nil {
		ready["shard"] = p.Shard
	}
	s.mu.Lock()
	if s.omitReadyUser > 0 {
		s.omitReadyUser--
		delete(ready, "user")
		delete(ready, "application")
	}
	s.mu.Unlock()
	if !s.sendLocked(sess, "READY", ready) {
		return false
	}
	if sess.intents&intentGuilds != 0 {
		for _, g := range creates {
			if !s.sendLocked(sess, "GUILD_CREATE", g) {
				return false
			}
		}
	}
	return c.disruptLocked(sess, disrupt)
}

func (c *gwConn) resume(d json.RawMessage) bool {
	s := c.srv
	var p struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       *int64 `json:"seq"`
	}
	if err := json.Unmarshal(d, &p); err != nil || p.SessionID == "" || p.Seq == nil {
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return false
	}
	if !c.admit(p.Token) {
		return false
	}
	s.mu.Lock()
	sess := s.sessions[p.SessionID]
	s.mu.Unlock()
	refuse := func() bool {
		s.mu.Lock()
		s.stats.ResumesRefused++
		s.stats.InvalidSessions++
		s.notifyLocked()
		s.mu.Unlock()
		return c.write(websocket.TextMessage, []byte(`{"op":9,"d":false,"s":null,"t":null}`)) == nil
	}
	if sess == nil {
		return refuse()
	}

	sess.sendMu.Lock()
	defer sess.sendMu.Unlock()
	s.mu.Lock()
	if sess.invalid {
		s.mu.Unlock()
		return refuse()
	}
	if *p.Seq > sess.seq {
		s.mu.Unlock()
		c.closeWith(closeInvalidSeq, "Invalid seq.")
		return false
	}
	first := sess.seq + 1 // oldest sequence still buffered
	if len(sess.events) > 0 {
		first = sess.events[0].seq
	}
	if *p.Seq < first-1 {
		s.mu.Unlock()
		return refuse()
	}
	var missed [][]byte
	for _, e := range sess.events {
		if e.seq > *p.Seq {
			missed = append(missed, e.frame)
		}
	}
	old := sess.conn
	c.sess, sess.conn = sess, c
	s.activateLocked(sess)
	if old != nil && old != c {
		old.sess = nil
	}
	s.stats.Resumes++
	s.stats.Replayed += len(missed)
	disrupt := s.takeDisruptionLocked()
	s.notifyLocked()
	s.mu.Unlock()
	if old != nil && old != c {
		old.cut() // Discord drops the connection a resumed session leaves behind
	}
	for _, f := range missed {
		if !c.writeFrame(f, sess.compress) {
			return false
		}
	}
	if !s.sendLocked(sess, "RESUMED", map[string]any{"_trace": []string{"discordtest"}}) {
		return false
	}
	return c.disruptLocked(sess, disrupt)
}

// sendLocked records a dispatch in sess and writes it to the session's
// connection, if any. sess.sendMu must be held. It reports false when the
// write failed (the connection is then cut).
func (s *Server) sendLocked(sess *session, typ string, d any) bool {
	return s.sendRawLocked(sess, typ, marshal(typ, d))
}

func marshal(typ string, d any) []byte {
	data, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("discordtest: marshal %s: %v", typ, err)) // a bug in the fake
	}
	return data
}

// sendRawLocked is sendLocked for a payload already marshalled, which
// callers do before taking sendMu so that dispatches queue only for the
// write.
func (s *Server) sendRawLocked(sess *session, typ string, data []byte) bool {
	s.mu.Lock()
	sess.seq++
	var f bytes.Buffer
	f.Grow(len(data) + 48)
	fmt.Fprintf(&f, `{"op":0,"s":%d,"t":%q,"d":`, sess.seq, typ)
	f.Write(data)
	f.WriteByte('}')
	sess.events = append(sess.events, event{seq: sess.seq, typ: typ, frame: f.Bytes()})
	if n := excess(len(sess.events), s.opts.ReplayBuffer); n > 0 {
		sess.events = append(sess.events[:0], sess.events[n:]...)
	}
	s.stats.Dispatches++
	c := sess.conn
	seq := sess.seq
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("gateway: send %s seq %d %s", typ, seq, truncate(string(data), 200))
	if c == nil {
		return true // kept for RESUME
	}
	return c.writeFrame(f.Bytes(), sess.compress)
}

// dispatch sends an event about guild (or, for "", about no guild: a DM)
// to the session new events go to, the one of the guild's shard
// (shards.go), waiting for one if no such client has identified yet. sent,
// if not nil, runs just before the event is written.
func (s *Server) dispatch(ctx context.Context, guild, typ string, d any, sent func()) error {
	data := marshal(typ, d)
	sess, err := s.waitSession(ctx, guild)
	if err != nil {
		return err
	}
	sess.sendMu.Lock()
	defer sess.sendMu.Unlock()
	if sent != nil {
		sent()
	}
	s.sendRawLocked(sess, typ, data)
	return nil
}

func (s *Server) waitSession(ctx context.Context, guild string) (*session, error) {
	var sess *session
	err := s.WaitFor(ctx, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		sess = s.routeLocked(guild)
		return sess != nil || s.closed
	})
	if err != nil {
		return nil, fmt.Errorf("no client has identified: %w", err)
	}
	if sess == nil {
		return nil, errors.New("discordtest: server closed")
	}
	return sess, nil
}

// invalidateLocked ends sess for good. s.mu must be held.
func (s *Server) invalidateLocked(sess *session) {
	sess.invalid = true
	s.deactivateLocked(sess)
}

// eachSessionConn calls fn for every connection that speaks for a session,
// holding that session's sendMu so fn's frames stay in order with
// dispatches. fn runs without s.mu.
func (s *Server) eachSessionConn(fn func(c *gwConn, sess *session)) int {
	s.mu.Lock()
	var conns []*gwConn
	for c := range s.conns {
		if c.sess != nil {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	n := 0
	for _, c := range conns {
		s.mu.Lock()
		sess := c.sess
		s.mu.Unlock()
		if sess == nil {
			continue
		}
		sess.sendMu.Lock()
		s.mu.Lock()
		still := c.sess == sess
		s.mu.Unlock()
		if still {
			fn(c, sess)
			n++
		}
		sess.sendMu.Unlock()
	}
	return n
}

// Reconnect sends op 7 RECONNECT to every connected client and stops
// sending it events; they are kept for the RESUME the client should make on
// a new connection. A client that has not closed the connection after five
// seconds is cut off. It returns how many clients were told.
func (s *Server) Reconnect() int {
	return s.eachSessionConn(func(c *gwConn, sess *session) {
		c.write(websocket.TextMessage, []byte(`{"op":7,"d":null,"s":null,"t":null}`))
		s.mu.Lock()
		c.sess, sess.conn = nil, nil
		s.stats.Reconnects++
		s.notifyLocked()
		s.mu.Unlock()
		time.AfterFunc(reconnectGrace, c.cut)
	})
}

// RefuseIdentify answers the next n IDENTIFYs (with a valid token) with op
// 9 INVALID_SESSION (d false) instead of READY, as Discord does when it
// cannot start a session yet; the connection stays open. A client must wait
// 1 to 5 seconds before it identifies again; Stats.IdentifiesRefused counts
// the refusals, and Stats.Identifies only the IDENTIFYs accepted.
func (s *Server) RefuseIdentify(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseIdentify += n
}

// OmitReadyUser sends the next n READYs without their user and
// application objects, as a broken or hostile gateway might; a client must
// not take such a READY for a session.
func (s *Server) OmitReadyUser(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.omitReadyUser += n
}

// CloseConnections closes every gateway connection with a close code, as
// Discord does to end a connection for a reason (4004 authentication
// failed, 4009 session timed out, …). For 4007 Invalid seq and 4009 Session
// timed out the session ends too: a RESUME of it is refused with
// INVALID_SESSION, as the client should start a new one. It returns how
// many connections were closed.
func (s *Server) CloseConnections(code int) int {
	s.mu.Lock()
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
		if sess := c.sess; sess != nil {
			c.sess, sess.conn = nil, nil
			if code == closeInvalidSeq || code == closeSessionTimedOut {
				s.invalidateLocked(sess)
			}
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.closeWith(code, fmt.Sprintf("closed by the test (%d)", code))
	}
	return len(conns)
}

// InvalidSession sends op 9 INVALID_SESSION to every connected client. With
// resumable false the session ends: a later RESUME of it is refused and the
// client must IDENTIFY again (discordgo does so at once, on the same
// connection). The connection stays open either way. It returns how many
// clients were told.
func (s *Server) InvalidSession(resumable bool) int {
	frame := fmt.Sprintf(`{"op":9,"d":%t,"s":null,"t":null}`, resumable)
	return s.eachSessionConn(func(c *gwConn, sess *session) {
		s.mu.Lock()
		c.sess, sess.conn = nil, nil
		if !resumable {
			s.invalidateLocked(sess)
		}
		s.stats.InvalidSessions++
		s.notifyLocked()
		s.mu.Unlock()
		c.write(websocket.TextMessage, []byte(frame))
	})
}

// CutConnections closes every gateway connection abruptly, without a close
// frame, as a network failure would. Sessions stay resumable, and events
// dispatched until the client resumes are replayed to it. It returns how
// many connections were cut.
func (s *Server) CutConnections() int {
	s.mu.Lock()
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
		if c.sess != nil && c.sess.conn == c {
			c.sess.conn = nil
		}
		c.sess = nil
		s.stats.Cuts++
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.cut()
	}
	return len(conns)
}

// A Disruption is how DisruptHandshake breaks a connection.
type Disruption int

const (
	// DisruptReconnect sends op 7 RECONNECT, as Reconnect does.
	DisruptReconnect Disruption = iota + 1
	// DisruptCut drops the connection, as CutConnections does.
	DisruptCut
)

// DisruptHandshake arms d for the next IDENTIFY or RESUME the fake
// accepts: right after it sends READY (and GUILD_CREATE) or RESUMED, before
// it reads anything more from that connection, so the client meets the
// disruption before the new connection's first heartbeat can have reached
// the fake. Each call arms one disruption; several calls hit successive
// handshakes in order.
//
// This is the timing that sends discordgo v0.29.0 into a reconnect loop: it
// starts a connection's heartbeat goroutine when Open returns, and if the
// connection is closed before that goroutine's first write, the write
// fails and the goroutine closes the session's next connection.
func (s *Server) DisruptHandshake(d Disruption) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.disrupt = append(s.disrupt, d)
}

// takeDisruptionLocked returns the oldest armed disruption, or 0. s.mu
// must be held.
func (s *Server) takeDisruptionLocked() Disruption {
	if len(s.disrupt) == 0 {
		return 0
	}
	d := s.disrupt[0]
	s.disrupt = s.disrupt[1:]
	return d
}

// disruptLocked applies d, if not 0, to c, the connection sess has just
// been handed to, and reports whether to keep reading from c.
// sess.sendMu must be held.
func (c *gwConn) disruptLocked(sess *session, d Disruption) bool {
	if d == 0 {
		return true
	}
	s := c.srv
	s.mu.Lock()
	if c.sess != sess {
		s.mu.Unlock()
		return true
	}
	c.sess, sess.conn = nil, nil
	if d == DisruptCut {
		s.stats.Cuts++
	} else {
		s.stats.Reconnects++
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("gateway: disrupt handshake (%d)", d)
	if d == DisruptCut {
		c.cut()
		return false
	}
	c.write(websocket.TextMessage, []byte(`{"op":7,"d":null,"s":null,"t":null}`))
	time.AfterFunc(reconnectGrace, c.cut)
	return true
}

// RequestHeartbeat sends op 1 HEARTBEAT to every connected client, which
// must answer with a heartbeat at once. It returns how many were asked.
func (s *Server) RequestHeartbeat() int {
	return s.eachSessionConn(func(c *gwConn, _ *session) {
		c.write(websocket.TextMessage, []byte(`{"op":1,"d":null,"s":null,"t":null}`))
	})
}

// Presence returns the d of the last op 3 PRESENCE_UPDATE, or nil.
func (s *Server) Presence() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append(json.RawMessage(nil), s.presence...)
}

func (c *gwConn) write(mt int, data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	err := c.ws.WriteMessage(mt, data)
	if err != nil {
		go c.cut()
	}
	return err
}

// writeFrame writes a dispatch, zlib-compressed in a binary message when
// the session asked for compression and the frame is long, as Discord does.
func (c *gwConn) writeFrame(f []byte, compress bool) bool {
	if compress && len(f) >= compressThreshold {
		var b bytes.Buffer
		z := zlibWriters.Get().(*zlib.Writer)
		z.Reset(&b)
		z.Write(f)
		z.Close()
		zlibWriters.Put(z)
		return c.write(websocket.BinaryMessage, b.Bytes()) == nil
	}
	return c.write(websocket.TextMessage, f) == nil
}

// zlibWriters reuses compressors: a new one allocates over half a megabyte.
var zlibWriters = sync.Pool{New: func() any { return zlib.NewWriter(nil) }}

// closeWith sends a close frame with a gateway close code, then drops the
// connection.
func (c *gwConn) closeWith(code int, reason string) {
	c.srv.logf("gateway: close %d %s", code, reason)
	c.wmu.Lock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	c.wmu.Unlock()
	c.cut()
}

// cut closes the TCP connection without a close frame.
func (c *gwConn) cut() {
	c.once.Do(func() { c.ws.Close() })
}

func oneOf(s string, set ...string) bool {
	for _, v := range set {
		if s == v {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// admit closes the connection as Discord does when it is already
// authenticated or the token is wrong, for IDENTIFY and RESUME alike, and
// reports whether the payload may go on.
func (c *gwConn) admit(token string) bool {
	if c.authenticated() {
		c.closeWith(closeAlreadyAuth, "Already authenticated.")
		return false
	}
	if !c.srv.tokenOK(token) {
		c.closeWith(closeAuthFailed, "Authentication failed.")
		return false
	}
	return true
}
