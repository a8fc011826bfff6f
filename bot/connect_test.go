package bot

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"
	"unsafe"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"kutip/internal/discordtest"
)

// wsFrame encodes an unmasked server frame.
func wsFrame(opcode byte, payload []byte) []byte {
	b := []byte{0x80 | opcode}
	switch n := len(payload); {
	case n < 126:
		b = append(b, byte(n))
	case n < 1<<16:
		b = append(b, 126, byte(n>>8), byte(n))
	default:
		b = append(b, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
}

// TestFrameWatch: the bytes pass unchanged however the reads split them,
// and the small text and close frames are seen whole, before they pass.
func TestFrameWatch(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("x"), 70000)
	mid := bytes.Repeat([]byte("y"), 600)
	frames := [][]byte{
		wsFrame(wsText, []byte(`{"op":10,"d":{"heartbeat_interval":41250}}`)),
		wsFrame(wsText, []byte(`{"t":null,"s":null,"op":9,"d":false}`)),
		wsFrame(0x2, big), // binary, large: passed on uninspected
		wsFrame(wsText, mid),
		wsFrame(wsClose, []byte{0x0f, 0xa4, 'b', 'y', 'e'}), // 4004
	}
	upgrade := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
	stream := append([]byte(upgrade), bytes.Join(frames, nil)...)
	for _, tc := range []struct {
		name string
		r    func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"one byte at a time", iotest.OneByteReader},
		{"halves", iotest.HalfReader},
		{"with the error on the last data", iotest.DataErrReader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen []string
			w := &frameWatch{r: tc.r(bytes.NewReader(stream)), onFrame: func(op byte, p []byte) {
				seen = append(seen, fmt.Sprintf("%d %d", op, gatewayOp(p)))
			}}
			got, err := io.ReadAll(iotest.OneByteReader(w))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, stream) {
				t.Fatalf("read %d bytes, want the %d sent, unchanged", len(got), len(stream))
			}
			want := []string{"1 10", "1 9", "8 -1"}
			if fmt.Sprint(seen) != fmt.Sprint(want) {
				t.Errorf("frames seen %v, want %v", seen, want)
			}
		})
	}
}

func TestGatewayOp(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		`{"op":9,"d":false}`: 9, `{"t":null,"op": 9}`: 9, `{"op":0,"t":"MESSAGE_CREATE","d":{"content":"\"op\":9"}}`: 0,
		`{"d":{"op":9}}`: -1, `not json "op"`: -1, ``: -1,
	} {
		if got := gatewayOp([]byte(in)); got != want {
			t.Errorf("gatewayOp(%s) = %d, want %d", in, got, want)
		}
	}
}

func TestInvalidSessionWait(t *testing.T) {
	t.Parallel()
	for range 200 {
		if d := invalidSessionWait(); d < time.Second || d > 5*time.Second {
			t.Fatalf("invalidSessionWait() = %v, want 1 to 5 s", d)
		}
	}
}

// TestInvalidSessionAtIdentifyWaits: Discord answering IDENTIFY with op 9
// gets a wait before every new IDENTIFY, never a storm; the bot is ready
// (commands registered for its own application) once READY comes.
func TestInvalidSessionAtIdentifyWaits(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	const refusals = 4
	srv.RefuseIdentify(refusals)
	var waits atomic.Int32
	lb := startLive(t, srv, &fakeIndex{}, Options{GuildID: srv.GuildID}, func(b *Bot) {
		b.invalidWait = func() time.Duration {
			waits.Add(1)
			return 20 * time.Millisecond
		}
	})
	waitFor(t, srv, "ready as the bot user", func() bool { return strings.Contains(lb.logs.String(), "msg=ready user="+srv.Bot.ID) })
	st := srv.Stats()
	if st.IdentifiesRefused != refusals || st.Identifies != 1 || int(waits.Load()) != refusals {
		t.Errorf("%d identifies refused, %d accepted, %d waits; want %d, 1, %d: one wait before each IDENTIFY after op 9",
			st.IdentifiesRefused, st.Identifies, waits.Load(), refusals, refusals)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, "/applications//") {
			t.Errorf("%s %s: registered for no application", r.Method, r.Path)
		}
	}
}

// TestFirstConnectTimesOut: a gateway that never says HELLO is given up on
// after the open timeout and tried again, with a wait, until the bot is
// stopped; Run then returns nil.
func TestFirstConnectTimesOut(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var conns []*websocket.Conn
	var srvURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"url":"ws%s/gateway"}`, strings.TrimPrefix(srvURL, "http"))
			return
		}
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, c) // and never a HELLO
		mu.Unlock()
	}))
	srvURL = srv.URL
	t.Cleanup(func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		srv.Close()
	})
	var logs syncBuffer
	b, err := newFromToken("t", &fakeIndex{}, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Options{APIBase: srv.URL}, false)
	if err != nil {
		t.Fatal(err)
	}
	var waits atomic.Int32
	b.openTimeout = 50 * time.Millisecond
	b.connectWait = func(n int) time.Duration {
		if int(waits.Add(1)) != n {
			t.Errorf("wait for failure %d: failures are not counted in a row", n)
		}
		return 10 * time.Millisecond
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	deadline := time.After(liveWait)
	for waits.Load() < 3 {
		select {
		case err := <-done:
			t.Fatalf("Run returned %v while the gateway stayed silent; want it to keep trying", err)
		case <-deadline:
			t.Fatal("no retries")
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after stopping = %v, want nil", err)
		}
	case <-time.After(liveWait):
		t.Fatal("Run did not return after stopping")
	}
	mu.Lock()
	n := len(conns)
	mu.Unlock()
	if n < 3 {
		t.Errorf("%d connections, want a new one for each try", n)
	}
	if l := logs.String(); !strings.Contains(l, "no HELLO and READY within 50ms") || !strings.Contains(l, "retry_in=") {
		t.Errorf("the retries are not logged with their cause:\n%s", l)
	}
}

// TestGatewayCloseCodes: close codes Discord documents as final end Run
// with a message naming the cause, at the first connection and after it;
// 4007 and 4009 make the bot start a new session (IDENTIFY, not a RESUME
// Discord would refuse); other codes resume.
func TestGatewayCloseCodes(t *testing.T) {
	t.Parallel()
	t.Run("4014 at the first connection", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.New(t, discordtest.Options{DeniedIntents: int(discordgo.IntentsGuildMessages)})
		lb := startLive(t, srv, &fakeIndex{}, Options{}, nil)
		if err := lb.returned(t); err == nil || !strings.Contains(err.Error(), "4014") || !strings.Contains(err.Error(), "Developer Portal") {
			t.Errorf("Run = %v, want the disallowed intents explained", err)
		}
	})
	for _, tc := range []struct {
		code    int
		want    string
		refused bool
	}{
		{4004, "discord refused the bot token", true},
		{4014, "Developer Portal", false},
		{4011, "sharding", false},
	} {
		t.Run(fmt.Sprint(tc.code, " later"), func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(t, discordtest.Options{NoEcho: true})
			lb := runLive(t, srv, &fakeIndex{}, Options{})
			srv.CloseConnections(tc.code)
			if err := lb.returned(t); err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, ErrTokenRefused) != tc.refused {
				t.Errorf("Run = %v, want %q (ErrTokenRefused %v)", err, tc.want, tc.refused)
			}
			if st := srv.Stats(); st.Connections != 1 {
				t.Errorf("%d connections, want no reconnection after close %d", st.Connections, tc.code)
			}
		})
	}
	for _, tc := range []struct {
		code       int
		identifies int
		resumes    int
	}{
		{4009, 2, 0}, {4007, 2, 0}, {4000, 1, 1},
	} {
		t.Run(fmt.Sprint(tc.code, " reconnects"), func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(t, discordtest.Options{NoEcho: true})
			lb := runLive(t, srv, &fakeIndex{}, Options{})
			srv.CloseConnections(tc.code)
			// Under load a new connection may drop again before its first
			// heartbeat and be resumed: count at least, not exactly.
			waitFor(t, srv, "back", func() bool { st := srv.Stats(); return st.Connections >= 2 && st.Identifies+st.Resumes >= 2 })
			if err := srv.WaitReady(liveCtx(t)); err != nil {
				t.Fatal(err)
			}
			id := lb.ask(t, "when did Russia ratify?")
			if _, err := srv.WaitReply(liveCtx(t), id); err != nil {
				t.Fatal(err)
			}
			st := srv.Stats()
			if st.Identifies != tc.identifies || st.Resumes < tc.resumes || st.ResumesRefused != 0 {
				t.Errorf("after close %d: %d identifies, %d resumes, %d refused; want %d, at least %d, 0",
					tc.code, st.Identifies, st.Resumes, st.ResumesRefused, tc.identifies, tc.resumes)
			}
		})
	}
}

// TestForgetSession: the discordgo version in go.mod still keeps its
// session where forgetSession clears it.
func TestForgetSession(t *testing.T) {
	t.Parallel()
	s, err := discordgo.New("Bot t")
	if err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(s).Elem()
	id := v.FieldByName("sessionID")
	reflect.NewAt(id.Type(), unsafe.Pointer(id.UnsafeAddr())).Elem().SetString("a-session")
	seq := (*int64)(v.FieldByName("sequence").UnsafePointer())
	*seq = 42
	if !forgetSession(s) {
		t.Fatal("forgetSession found no session fields: discordgo changed; see reconnect.go")
	}
	if got := id.String(); got != "" || *seq != 0 {
		t.Errorf("session %q, sequence %d after forgetSession; want both cleared", got, *seq)
	}
}

// TestFirstConnectRetriesServerErrors: GET /gateway answering 5xx (or
// anything but its JSON) at start-up is retried, not the end of serve.
func TestFirstConnectRetriesServerErrors(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	srv.FailNext(discordtest.Fault{Route: discordtest.RouteGateway, Status: http.StatusServiceUnavailable, Times: 3})
	srv.FailNext(discordtest.Fault{Route: discordtest.RouteGatewayBot, Status: http.StatusServiceUnavailable, Times: 3})
	lb := startLive(t, srv, &fakeIndex{}, Options{GuildID: srv.GuildID}, func(b *Bot) {
		b.connectWait = func(int) time.Duration { return 10 * time.Millisecond }
	})
	waitFor(t, srv, "ready", func() bool { return strings.Contains(lb.logs.String(), "msg=ready") })
	if n := strings.Count(lb.logs.String(), "cannot connect to the discord gateway; retrying"); n < 1 {
		t.Errorf("%d retries logged, want at least one:\n%s", n, lb.logs.String())
	}
}

// TestReadyWithoutUserIsNotReady: a READY that names no bot user is not a
// session: the bot connects again rather than register commands for no
// application.
func TestReadyWithoutUserIsNotReady(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	srv.OmitReadyUser(1)
	lb := startLive(t, srv, &fakeIndex{}, Options{GuildID: srv.GuildID}, func(b *Bot) {
		b.connectWait = func(int) time.Duration { return 10 * time.Millisecond }
	})
	waitFor(t, srv, "ready as the bot user", func() bool { return strings.Contains(lb.logs.String(), "msg=ready user="+srv.Bot.ID) })
	if st := srv.Stats(); st.Identifies != 2 || st.Resumes+st.ResumesRefused != 0 {
		t.Errorf("%d identifies, %d resumes (%d refused); want 2 identifies, the READY without a user then a good one, and no resume",
			st.Identifies, st.Resumes, st.ResumesRefused)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, "/applications//") {
			t.Errorf("%s %s: registered for no application", r.Method, r.Path)
		}
	}
	if !strings.Contains(lb.logs.String(), "without a READY naming the bot user") {
		t.Errorf("the retry does not say why:\n%s", lb.logs.String())
	}
}
