package bot

import (
	"strings"
	"testing"
	"time"

	"kutip/internal/discordtest"
)

func TestReconnectWait(t *testing.T) {
	for n := 1; n <= 40; n++ {
		want := min(reconnectSettle<<min(n-1, 16), reconnectMax)
		for range 50 {
			if d := reconnectWait(n); d < want/2 || d > want {
				t.Fatalf("reconnectWait(%d) = %v, want within [%v, %v]", n, d, want/2, want)
			}
		}
	}
}

// TestReconnectAfterDisruptedHandshake lands op 7 and a cut on new
// connections right after RESUMED, before their first heartbeat: the timing
// that loops discordgo v0.29.0's own reconnection, which closes each new
// connection from the last one's failed heartbeat. The bot must resume the
// session (events sent meanwhile are answered), then stay connected.
func TestReconnectAfterDisruptedHandshake(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		disrupt []discordtest.Disruption
	}{
		{"op 7", []discordtest.Disruption{discordtest.DisruptReconnect}},
		{"cut", []discordtest.Disruption{discordtest.DisruptCut}},
		{"op 7 then a cut", []discordtest.Disruption{discordtest.DisruptReconnect, discordtest.DisruptCut}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Heartbeats every second, so that a loop shows within seconds.
			srv := discordtest.New(t, discordtest.Options{NoEcho: true, HeartbeatInterval: time.Second})
			lb := runLive(t, srv, &fakeIndex{}, Options{})
			for _, d := range tc.disrupt {
				srv.DisruptHandshake(d)
			}
			if srv.Reconnect() != 1 { // the resume that follows is disrupted
				t.Fatal("no connection to send op 7 to")
			}
			// Asked while the bot is away: kept for its resume.
			ctx := liveCtx(t)
			id := lb.ask(t, "when did Russia ratify?")
			if _, err := srv.WaitReply(ctx, id); err != nil {
				t.Fatal(err)
			}

			// Once past the disruptions (or once the session has ended, if
			// the bot let a connection be closed with 1000), it stays
			// connected for three heartbeats, and answers.
			err := srv.WaitFor(ctx, func() bool {
				st := srv.Stats()
				return st.Resumes >= 1+len(tc.disrupt) || st.Identifies > 1
			})
			if err == nil {
				err = srv.WaitReady(ctx)
			}
			if err != nil {
				t.Fatal(err)
			}
			st := srv.Stats()
			if err := srv.WaitFor(ctx, func() bool { return srv.Stats().Heartbeats >= st.Heartbeats+3 }); err != nil {
				t.Fatal(err)
			}
			id = lb.ask(t, "when did Russia ratify?")
			if _, err := srv.WaitReply(ctx, id); err != nil {
				t.Fatal(err)
			}
			after := srv.Stats()
			if after.Connections != st.Connections {
				t.Errorf("%d connections during three heartbeats after recovering, want none: a reconnect loop", after.Connections-st.Connections)
			}
			// The session lived throughout: no connection was closed with
			// 1000, which ends it, and none identified again.
			if after.Identifies != 1 || after.Resumes != 1+len(tc.disrupt) {
				t.Errorf("%d identifies and %d resumes, want 1 and %d", after.Identifies, after.Resumes, 1+len(tc.disrupt))
			}
			if !lb.b.Connected() {
				t.Error("Connected() = false after recovering")
			}
			t.Logf("connections %d, resumes %d, identifies %d", after.Connections, after.Resumes, after.Identifies)
			if l := lb.logs.String(); strings.Contains(l, "level=ERROR") {
				t.Errorf("errors logged:\n%s", l)
			}
		})
	}
}
