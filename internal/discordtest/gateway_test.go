package discordtest_test

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"kutip/internal/discordtest"
)

// These tests speak the gateway protocol by hand, to check what discordgo
// never sends: bad tokens, bad payloads, resumes from the wrong place.

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

func dial(t *testing.T, srv *discordtest.Server, query string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.DialContext(t.Context(), srv.GatewayURL+"/"+query, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	return c
}

// read returns the next frame, inflating a zlib-compressed one.
func read(t *testing.T, c *websocket.Conn) (frame, error) {
	t.Helper()
	mt, data, err := c.ReadMessage()
	if err != nil {
		return frame{}, err
	}
	if mt == websocket.BinaryMessage {
		z, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("binary frame is not zlib: %v", err)
		}
		if data, err = io.ReadAll(z); err != nil {
			t.Fatal(err)
		}
	}
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("frame %s: %v", data, err)
	}
	return f, nil
}

func mustRead(t *testing.T, c *websocket.Conn) frame {
	t.Helper()
	f, err := read(t, c)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return f
}

func send(t *testing.T, c *websocket.Conn, op int, d any) {
	t.Helper()
	if err := c.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		t.Fatalf("write op %d: %v", op, err)
	}
}

func identifyData(token string, intents int, compress bool) map[string]any {
	return map[string]any{
		"token": token, "intents": intents, "compress": compress,
		"properties": map[string]string{"os": "linux", "browser": "test", "device": "test"},
	}
}

// identify connects and identifies, returning the connection and READY.
func identify(t *testing.T, srv *discordtest.Server, compress bool) (*websocket.Conn, frame) {
	t.Helper()
	c := dial(t, srv, "?v=10&encoding=json")
	if f := mustRead(t, c); f.Op != 10 {
		t.Fatalf("first frame op %d, want 10 HELLO", f.Op)
	}
	send(t, c, 2, identifyData(srv.Token, 1<<9|1<<12, compress))
	ready := mustRead(t, c)
	if ready.Op != 0 || ready.T == nil || *ready.T != "READY" || ready.S == nil || *ready.S != 1 {
		t.Fatalf("after IDENTIFY got %+v, want READY with s 1", ready)
	}
	return c, ready
}

func TestGatewayCloseCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		query  string
		opts   discordtest.Options
		frames []any // sent after HELLO
		code   int
	}{
		{name: "old API version", query: "?v=6&encoding=json", code: 4012},
		{name: "ETF encoding", query: "?v=10&encoding=etf", code: 4000},
		{name: "transport compression", query: "?v=10&encoding=json&compress=zlib-stream", code: 4000},
		{name: "not JSON", query: "?v=10", frames: []any{"hello"}, code: 4002},
		{name: "unknown opcode", query: "?v=10", frames: []any{map[string]any{"op": 99}}, code: 4001},
		{name: "receive-only opcode", query: "?v=10", frames: []any{map[string]any{"op": 11}}, code: 4001},
		{name: "presence before identify", query: "?v=10", frames: []any{map[string]any{"op": 3, "d": map[string]any{"status": "online", "activities": []any{}, "afk": false}}}, code: 4003},
		{name: "wrong token", query: "?v=10", frames: []any{map[string]any{"op": 2, "d": identifyData("nope", 0, false)}}, code: 4004},
		{name: "identify without intents", query: "?v=10", frames: []any{map[string]any{"op": 2, "d": map[string]any{
			"token": "discordtest-token", "properties": map[string]string{"os": "linux"},
		}}}, code: 4013},
		{
			name: "privileged intent not allowed", query: "?v=10", opts: discordtest.Options{DeniedIntents: 1 << 15},
			frames: []any{map[string]any{"op": 2, "d": identifyData("discordtest-token", 1<<15, false)}}, code: 4014,
		},
		{name: "identify twice", query: "?v=10", frames: []any{
			map[string]any{"op": 2, "d": identifyData("Bot discordtest-token", 0, false)},
			map[string]any{"op": 2, "d": identifyData("discordtest-token", 0, false)},
		}, code: 4005},
		{name: "presence with null activities", query: "?v=10", frames: []any{
			map[string]any{"op": 2, "d": identifyData("discordtest-token", 0, false)},
			map[string]any{"op": 3, "d": map[string]any{"status": "online", "activities": nil, "afk": false}},
		}, code: 4002},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(t, tc.opts)
			c := dial(t, srv, tc.query)
			for _, f := range tc.frames {
				if s, ok := f.(string); ok {
					c.WriteMessage(websocket.TextMessage, []byte(s))
				} else {
					c.WriteJSON(f)
				}
			}
			var err error
			for err == nil {
				_, err = read(t, c)
			}
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != tc.code {
				t.Errorf("connection ended with %v, want close code %d", err, tc.code)
			}
		})
	}
}

func TestGatewayHeartbeatAndPresence(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{HeartbeatInterval: 1234 * time.Millisecond})
	c := dial(t, srv, "?v=9&encoding=json")
	var hello struct {
		HeartbeatInterval int `json:"heartbeat_interval"`
	}
	f := mustRead(t, c)
	if json.Unmarshal(f.D, &hello); f.Op != 10 || hello.HeartbeatInterval != 1234 {
		t.Fatalf("HELLO = %+v, want op 10 with heartbeat_interval 1234", f)
	}
	send(t, c, 1, nil) // a heartbeat is fine before IDENTIFY
	if f := mustRead(t, c); f.Op != 11 {
		t.Errorf("heartbeat answered with op %d, want 11", f.Op)
	}
	send(t, c, 2, identifyData(srv.Token, 0, false))
	mustRead(t, c) // READY
	send(t, c, 3, map[string]any{"since": nil, "activities": []any{map[string]any{"name": "kutip", "type": 0}}, "status": "online", "afk": false})
	send(t, c, 1, 1)
	if f := mustRead(t, c); f.Op != 11 {
		t.Errorf("heartbeat answered with op %d, want 11", f.Op)
	}
	if st := srv.Stats(); st.Heartbeats != 2 || st.PresenceUpdates != 1 {
		t.Errorf("Stats = %+v, want 2 heartbeats and 1 presence update", st)
	}
	if p := srv.Presence(); !bytes.Contains(p, []byte(`"kutip"`)) {
		t.Errorf("Presence() = %s, want the activity", p)
	}
}

func TestGatewayCompression(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	c := dial(t, srv, "?v=10&encoding=json")
	mustRead(t, c)
	send(t, c, 2, identifyData(srv.Token, 0, true))
	mt, _, err := c.ReadMessage()
	if err != nil || mt != websocket.BinaryMessage {
		t.Errorf("READY with compress: message type %d, %v; want a binary (zlib) frame", mt, err)
	}
}

func TestGatewayResume(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	c1, ready := identify(t, srv, false)
	var r struct {
		SessionID        string `json:"session_id"`
		ResumeGatewayURL string `json:"resume_gateway_url"`
		User             struct {
			ID  string `json:"id"`
			Bot bool   `json:"bot"`
		} `json:"user"`
		Application struct {
			ID string `json:"id"`
		} `json:"application"`
	}
	if err := json.Unmarshal(ready.D, &r); err != nil {
		t.Fatal(err)
	}
	if r.SessionID == "" || r.ResumeGatewayURL != srv.GatewayURL || r.User.ID != srv.Bot.ID || !r.User.Bot || r.Application.ID != srv.Bot.ID {
		t.Fatalf("READY = %s, want a session, the bot user and application, and a resume URL", ready.D)
	}
	srv.CutConnections()
	c1.Close()
	for i := range 3 {
		if _, err := srv.Message(t.Context(), discordtest.Message{Content: fmt.Sprint("missed ", i)}); err != nil {
			t.Fatal(err)
		}
	}

	resume := func(seq int64, session string) *websocket.Conn {
		c := dial(t, srv, "?v=10&encoding=json")
		mustRead(t, c) // HELLO
		send(t, c, 6, map[string]any{"token": srv.Token, "session_id": session, "seq": seq})
		return c
	}
	t.Run("from too far ahead", func(t *testing.T) {
		c := resume(99, r.SessionID)
		_, err := read(t, c)
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4007 {
			t.Errorf("resume at seq 99 ended with %v, want close 4007", err)
		}
	})
	t.Run("unknown session", func(t *testing.T) {
		c := resume(1, "nope")
		if f := mustRead(t, c); f.Op != 9 || string(f.D) != "false" {
			t.Errorf("resume of an unknown session got %+v, want op 9 false", f)
		}
	})
	t.Run("replays what was missed", func(t *testing.T) {
		c := resume(2, r.SessionID) // as if the client saw the first message (seq 2) before the cut
		var got []string
		for {
			f := mustRead(t, c)
			got = append(got, fmt.Sprintf("%d %s", *f.S, *f.T))
			if *f.T == "RESUMED" {
				break
			}
		}
		want := []string{"3 MESSAGE_CREATE", "4 MESSAGE_CREATE", "5 RESUMED"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after RESUME got %v, want %v", got, want)
		}
	})
	if st := srv.Stats(); st.Resumes != 1 || st.ResumesRefused != 1 || st.Replayed != 2 {
		t.Errorf("Stats = %+v, want one resume replaying 2 and one refused", st)
	}
}

func TestGatewayInvalidSessionEndsResume(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	c, ready := identify(t, srv, false)
	var r struct {
		SessionID string `json:"session_id"`
	}
	json.Unmarshal(ready.D, &r)
	srv.InvalidSession(false)
	if f := mustRead(t, c); f.Op != 9 || string(f.D) != "false" {
		t.Fatalf("got %+v, want op 9 false", f)
	}
	send(t, c, 6, map[string]any{"token": srv.Token, "session_id": r.SessionID, "seq": 1})
	if f := mustRead(t, c); f.Op != 9 {
		t.Errorf("resume of an invalidated session got op %d, want 9", f.Op)
	}
	send(t, c, 2, identifyData(srv.Token, 0, false))
	if f := mustRead(t, c); f.T == nil || *f.T != "READY" {
		t.Errorf("identify after op 9 got %+v, want READY", f)
	}
}

func TestGatewayClientCloseEndsSession(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	c, ready := identify(t, srv, false)
	var r struct {
		SessionID string `json:"session_id"`
	}
	json.Unmarshal(ready.D, &r)
	// Closing with 1000 ends the session on Discord; it cannot be resumed.
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	if err := srv.WaitFor(t.Context(), func() bool { return srv.Stats().Disconnects == 1 }); err != nil {
		t.Fatal(err)
	}
	c2 := dial(t, srv, "?v=10")
	mustRead(t, c2)
	send(t, c2, 6, map[string]any{"token": srv.Token, "session_id": r.SessionID, "seq": 1})
	if f := mustRead(t, c2); f.Op != 9 {
		t.Errorf("resume after a 1000 close got op %d, want 9", f.Op)
	}
}

func TestGatewayDisruptHandshake(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	srv.DisruptHandshake(discordtest.DisruptReconnect)
	srv.DisruptHandshake(discordtest.DisruptCut)
	c, ready := identify(t, srv, false)
	if f := mustRead(t, c); f.Op != 7 {
		t.Fatalf("the frame after READY is op %d, want 7", f.Op)
	}
	var r struct {
		SessionID string `json:"session_id"`
	}
	json.Unmarshal(ready.D, &r)

	// The resume that follows gets RESUMED, then loses its connection.
	c2 := dial(t, srv, "?v=10&encoding=json")
	mustRead(t, c2) // HELLO
	send(t, c2, 6, map[string]any{"token": srv.Token, "session_id": r.SessionID, "seq": *ready.S})
	resumed := mustRead(t, c2)
	if resumed.T == nil || *resumed.T != "RESUMED" {
		t.Fatalf("after RESUME got %+v, want RESUMED", resumed)
	}
	if _, err := read(t, c2); err == nil {
		t.Error("the connection outlived RESUMED, want it cut")
	}

	// Disruptions are used up: the next resume stays up.
	c3 := dial(t, srv, "?v=10&encoding=json")
	mustRead(t, c3)
	send(t, c3, 6, map[string]any{"token": srv.Token, "session_id": r.SessionID, "seq": *resumed.S})
	mustRead(t, c3) // RESUMED
	send(t, c3, 1, nil)
	if f := mustRead(t, c3); f.Op != 11 {
		t.Errorf("heartbeat answered with op %d, want 11", f.Op)
	}
	if st := srv.Stats(); st.Reconnects != 1 || st.Cuts != 1 || st.Resumes != 2 {
		t.Errorf("Stats = %+v, want one op 7, one cut, two resumes", st)
	}
}

// TestGatewayRefuseIdentify: armed refusals answer IDENTIFY with op 9 on an
// open connection, then IDENTIFY works again.
func TestGatewayRefuseIdentify(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	srv.RefuseIdentify(2)
	c := dial(t, srv, "?v=10&encoding=json")
	if f := mustRead(t, c); f.Op != 10 {
		t.Fatalf("first frame op %d, want 10 HELLO", f.Op)
	}
	for i := range 2 {
		send(t, c, 2, identifyData(srv.Token, 0, false))
		if f := mustRead(t, c); f.Op != 9 || string(f.D) != "false" {
			t.Fatalf("identify %d got %+v, want op 9 false", i+1, f)
		}
	}
	send(t, c, 2, identifyData(srv.Token, 0, false))
	if f := mustRead(t, c); f.T == nil || *f.T != "READY" {
		t.Fatalf("third identify got %+v, want READY", f)
	}
	if st := srv.Stats(); st.IdentifiesRefused != 2 || st.Identifies != 1 || st.InvalidSessions != 2 {
		t.Errorf("stats %+v, want 2 refused, 1 accepted", st)
	}
}

// TestGatewayCloseConnections: a close code reaches the client; after 4009
// the session cannot be resumed, after another code it can.
func TestGatewayCloseConnections(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code      int
		resumable bool
	}{{4009, false}, {4007, false}, {4000, true}} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(t, discordtest.Options{})
			c, ready := identify(t, srv, false)
			var r struct {
				SessionID string `json:"session_id"`
			}
			json.Unmarshal(ready.D, &r)
			if n := srv.CloseConnections(tc.code); n != 1 {
				t.Fatalf("closed %d connections, want 1", n)
			}
			for {
				if _, err := read(t, c); err != nil {
					var ce *websocket.CloseError
					if !errors.As(err, &ce) || ce.Code != tc.code {
						t.Fatalf("read after CloseConnections: %v, want close %d", err, tc.code)
					}
					break
				}
			}
			c2 := dial(t, srv, "?v=10&encoding=json")
			mustRead(t, c2) // HELLO
			send(t, c2, 6, map[string]any{"token": srv.Token, "session_id": r.SessionID, "seq": 1})
			f := mustRead(t, c2)
			if resumed := f.T != nil && *f.T == "RESUMED"; resumed != tc.resumable {
				t.Errorf("resume after close %d got %+v, want resumed %v", tc.code, f, tc.resumable)
			}
		})
	}
}

func TestGatewayOmitReadyUser(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	srv.OmitReadyUser(1)
	for i, want := range []bool{false, true} {
		_, ready := identify(t, srv, false)
		var d struct {
			User        *struct{ ID string } `json:"user"`
			Application *struct{ ID string } `json:"application"`
		}
		if err := json.Unmarshal(ready.D, &d); err != nil {
			t.Fatal(err)
		}
		if got := d.User != nil && d.Application != nil; got != want {
			t.Errorf("READY %d has user and application: %v, want %v", i+1, got, want)
		}
	}
}
