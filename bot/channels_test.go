package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/corpus"
	"kutip/internal/discordtest"
	"kutip/retrieval"
)

func TestChannelScope(t *testing.T) {
	const (
		guild    = "100000000000000001"
		mapped   = "200000000000000001" // → ships
		category = "300000000000000001" // → trains
		inCat    = "200000000000000002" // a channel in category
		thread   = "400000000000000001" // a thread of inCat
		plain    = "200000000000000003" // no entry, no parent
		broken   = "200000000000000004" // its parent cannot be read
	)
	parents := map[string]string{mapped: "", category: "", inCat: category, thread: inCat, plain: ""}
	parent := func(_ context.Context, id string) (string, error) {
		p, ok := parents[id]
		if !ok {
			return "", errors.New("404 Unknown Channel")
		}
		return p, nil
	}
	withAny := map[string]string{mapped: "ships", category: "trains", AnyChannel: "."}
	noAny := map[string]string{mapped: "ships", category: "trains"}
	tests := []struct {
		name           string
		folders        map[string]string
		guild, channel string
		want           string // folder; "-" = none
		wantErr        bool
	}{
		{"own entry", withAny, guild, mapped, "ships", false},
		{"category's entry", withAny, guild, inCat, "trains", false},
		{"thread: its channel's category", withAny, guild, thread, "trains", false},
		{"no entry: *", withAny, guild, plain, ".", false},
		{"no entry, no *: none", noAny, guild, plain, "-", false},
		{"DM: *", withAny, "", "500000000000000001", ".", false},
		{"DM, no *: none", noAny, "", "500000000000000001", "-", false},
		{"parent unreadable", withAny, guild, broken, "-", true},
		{"only *: no lookups", map[string]string{AnyChannel: "public"}, guild, broken, "public", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &channelMap{folders: tc.folders, parents: map[string]parentAt{}}
			scope, ok, err := c.scope(t.Context(), tc.guild, tc.channel, parent)
			if (err != nil) != tc.wantErr {
				t.Fatalf("scope(%s) error = %v, want error %v", tc.channel, err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, errChannelUnknown) {
				t.Errorf("scope(%s) error = %v, want errChannelUnknown", tc.channel, err)
			}
			got := "-"
			if ok {
				got = scope.Folder
			}
			if got != tc.want {
				t.Errorf("scope(%s) = %q, want %q", tc.channel, got, tc.want)
			}
		})
	}
}

// channelAPI answers GET /channels/{id} from a table, counting the calls.
type channelAPI struct {
	Discord
	mu      sync.Mutex
	parents map[string]string
	calls   int
}

func (a *channelAPI) Channel(id string, _ ...discordgo.RequestOption) (*discordgo.Channel, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls++
	p, ok := a.parents[id]
	if !ok {
		return nil, errors.New("HTTP 404 Not Found, {\"message\": \"Unknown Channel\", \"code\": 10003}")
	}
	return &discordgo.Channel{ID: id, ParentID: p}, nil
}

// TestParentOfRemembers checks that a parent read from the REST API is
// remembered for parentTTL, then read again (a channel moved meanwhile
// gets its new category's folder).
func TestParentOfRemembers(t *testing.T) {
	api := &channelAPI{parents: map[string]string{"2": "3"}}
	var elapsed time.Duration
	t0 := time.Unix(1700000000, 0)
	b := &Bot{api: api, channels: &channelMap{parents: map[string]parentAt{}}, now: func() time.Time { return t0.Add(elapsed) }}
	steps := []struct {
		at        time.Duration
		move      string // the channel's parent from now on, "" = unchanged
		want      string
		wantCalls int
	}{
		{0, "", "3", 1},
		{parentTTL - time.Second, "4", "3", 1}, // remembered, though moved
		{parentTTL, "", "4", 2},
		{parentTTL + time.Minute, "", "4", 2},
	}
	for _, s := range steps {
		elapsed = s.at
		if s.move != "" {
			api.parents["2"] = s.move
		}
		got, err := b.parentOf(t.Context(), "2")
		if err != nil || got != s.want || api.calls != s.wantCalls {
			t.Errorf("at %v: parentOf = %q, %v after %d calls; want %q after %d", s.at, got, err, api.calls, s.want, s.wantCalls)
		}
	}
	if _, err := b.parentOf(t.Context(), "9"); err == nil {
		t.Error("parentOf(unknown channel) did not fail")
	}
}

func TestChannelsNeedScoper(t *testing.T) {
	_, err := newBot(&recorder{}, &fakeIndex{}, nil, Options{Channels: map[string]string{AnyChannel: "."}})
	if err == nil || !strings.Contains(err.Error(), "Options.Channels needs an index with AskIn") {
		t.Fatalf("newBot(Channels, an index without scopes) error = %v, want one naming AskIn", err)
	}
}

// channelsCorpus writes a corpus folder with two subfolders and returns
// it with a Live index of it.
func channelsCorpus(t *testing.T) (string, *retrieval.Live) {
	t.Helper()
	dir := t.TempDir()
	writeDoc(t, dir, "ships/ferry.md", "---\ntitle: Ferry timetable\n---\nThe ferry to the island sails at noon every day.\n\nA ferry ticket costs twelve euros.")
	writeDoc(t, dir, "ships/barge.md", "---\ntitle: River barges\n---\nThe barge carries coal down the river to the port.")
	writeDoc(t, dir, "trains/night.md", "---\ntitle: Night trains\n---\nThe night train to Vienna leaves at ten in the evening.\n\nA sleeper ticket costs ninety euros.")
	l := retrieval.NewLive(nil)
	reindex(t, l, dir)
	t.Cleanup(func() { l.Close() })
	return dir, l
}

func writeDoc(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// reindex loads dir and swaps an index of it into l, as hot reload does.
func reindex(t *testing.T, l *retrieval.Live, dir string) {
	t.Helper()
	docs, _, err := corpus.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Build(t.Context(), docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.Swap(ix)
}

// TestChannelsLive: against the fake Discord, two channels mapped to two
// folders each answer only from theirs (by their own entry, by their
// category's, and in a thread the bot learns of only through GET
// /channels); /source and /summary's autocomplete list only the channel's
// documents; a channel without a folder is told so, privately; and a file
// added to one folder by a reload is seen by that folder's channels only.
func TestChannelsLive(t *testing.T) {
	t.Parallel()
	dir, l := channelsCorpus(t)
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	cat := srv.AddChannel(discordtest.Channel{Type: discordtest.CategoryChannel, Name: "rail"})
	ships := srv.AddChannel(discordtest.Channel{Name: "ships"})
	trains := srv.AddChannel(discordtest.Channel{Name: "trains", Parent: cat})
	lonely := srv.AddChannel(discordtest.Channel{Name: "lonely"})
	runLive(t, srv, l, Options{Channels: map[string]string{ships: "ships", cat: "trains"}})
	// Created after the bot connected, with no event: only GET /channels
	// tells the bot its parent.
	thread := srv.AddChannel(discordtest.Channel{Type: discordtest.PublicThread, Name: "overnight", Parent: trains})

	ask := func(channel, q string) discordtest.Reply {
		t.Helper()
		id, err := srv.Interact(liveCtx(t), discordtest.Interaction{
			Name: "ask", ChannelID: channel, Options: []discordtest.Option{{Name: "question", Value: q}},
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := srv.WaitReply(liveCtx(t), id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	const ferry, night, hover = "when does the ferry sail?", "when does the night train leave?", "when does the hovercraft depart?"
	answers := []struct {
		channel, question, want string // want: a phrase of the cited sentence; "" = not answered
	}{
		{ships, ferry, "sails at noon"},
		{ships, night, ""},
		{trains, night, "leaves at ten"},
		{trains, ferry, ""},
		{thread, night, "leaves at ten"},
		{thread, ferry, ""},
	}
	for _, tc := range answers {
		text := ask(tc.channel, tc.question).Text()
		if tc.want != "" && !strings.Contains(text, tc.want) {
			t.Errorf("/ask %q in %s = %q, want it to quote %q", tc.question, tc.channel, text, tc.want)
		}
		if tc.want == "" && (strings.Contains(text, "sails at noon") || strings.Contains(text, "leaves at ten")) {
			t.Errorf("/ask %q in %s = %q, quoting another folder", tc.question, tc.channel, text)
		}
	}
	if r := ask(lonely, ferry); r.Original == nil || !strings.Contains(r.Text(), english.tr(msgNoCorpus)) || r.Original.Flags&(1<<6) == 0 {
		t.Errorf("/ask in a channel without a folder = %+v, want the private no-corpus notice", r.Original)
	}

	// A mention in the thread is answered from the category's folder.
	_, m := sayAndWait(t, srv, discordtest.Message{ChannelID: thread, Content: "<@" + srv.Bot.ID + "> " + night})
	if !strings.Contains(m.Text(), "leaves at ten") {
		t.Errorf("mention in the thread answered %q, want the night train", m.Text())
	}
	if !hasRequest(srv, "GET", "/channels/"+thread) {
		t.Error("the bot never read the thread's channel from the API")
	}

	source := func(channel string) string {
		t.Helper()
		id, err := srv.Interact(liveCtx(t), discordtest.Interaction{Name: "source", ChannelID: channel})
		if err != nil {
			t.Fatal(err)
		}
		r, err := srv.WaitReply(liveCtx(t), id)
		if err != nil {
			t.Fatal(err)
		}
		return r.Text()
	}
	for _, tc := range []struct {
		channel     string
		want, never []string
	}{
		{ships, []string{"Ferry timetable", "River barges", "2 documents"}, []string{"Night trains"}},
		{trains, []string{"Night trains", "1 document"}, []string{"Ferry timetable", "River barges"}},
	} {
		got := source(tc.channel)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("/source in %s = %q, want %q", tc.channel, got, w)
			}
		}
		for _, n := range tc.never {
			if strings.Contains(got, n) {
				t.Errorf("/source in %s = %q, lists %q from another folder", tc.channel, got, n)
			}
		}
	}

	// /summary's document choices are the channel's documents.
	id, err := srv.Interact(liveCtx(t), discordtest.Interaction{
		Name: "summary", ChannelID: trains, Autocomplete: true,
		Options: []discordtest.Option{{Name: "document", Value: "", Focused: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := srv.WaitResponses(liveCtx(t), id, 1)
	if err != nil {
		t.Fatal(err)
	}
	var resp discordgo.InteractionResponse
	if err := reqs[0].Decode(&resp); err != nil {
		t.Fatal(err)
	}
	if resp.Data == nil || len(resp.Data.Choices) != 1 || resp.Data.Choices[0].Name != "Night trains" {
		t.Errorf("/summary document choices in trains = %+v, want Night trains only", resp.Data)
	}

	// Hot reload: a new file in ships is seen in ships only.
	writeDoc(t, dir, "ships/hover.md", "---\ntitle: Hovercraft\n---\nThe hovercraft departs at dawn from pier four.")
	reindex(t, l, dir)
	if text := ask(ships, hover).Text(); !strings.Contains(text, "departs at dawn") {
		t.Errorf("after the reload, /ask %q in ships = %q, want the new file", hover, text)
	}
	if text := ask(trains, hover).Text(); strings.Contains(text, "departs at dawn") {
		t.Errorf("after the reload, /ask %q in trains = %q, quoting ships", hover, text)
	}
}

// hasRequest reports whether srv got a request of method to a path ending
// in suffix.
func hasRequest(srv *discordtest.Server, method, suffix string) bool {
	for _, r := range srv.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			return true
		}
	}
	return false
}

// TestChannelsHTTPOnly: an HTTP interaction's body carries its channel's
// parent, which a replica without gateway state or token needs to find a
// category's folder.
func TestChannelsHTTPOnly(t *testing.T) {
	_, l := channelsCorpus(t)
	now := time.Now()
	b, rec, _ := newTestBot(t, l, Options{Channels: map[string]string{"cat1": "trains"}})
	e := newTestEndpoint(t, b, now)
	defer e.close(func() {})
	body := func(id, channelID string, channel map[string]any) string {
		m := map[string]any{
			"id": id, "application_id": "100", "type": 2, "token": "token-" + id,
			"guild_id": "g1", "channel_id": channelID,
			"member": map[string]any{"user": map[string]any{"id": "u1", "username": "asker"}},
			"data": map[string]any{
				"id": "900", "name": "ask", "type": 1,
				"options": []any{map[string]any{"name": "question", "type": 3, "value": "when does the night train leave?"}},
			},
		}
		if channel != nil {
			m["channel"] = channel
		}
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, signedReq(testKey, now, body(snowflakeAt(now), "c1", map[string]any{"id": "c1", "type": 0, "parent_id": "cat1"})))
	resp := decodeResponse(t, w)
	if resp.Data == nil || !strings.Contains(resp.Data.Content+embedText(resp.Data.Embeds), "leaves at ten") {
		t.Errorf("HTTP /ask in a channel of the mapped category = %+v, want the night train", resp.Data)
	}
	if calls := rec.all(); len(calls) != 0 {
		t.Errorf("REST calls %+v, want none: the body told the parent", calls)
	}

	// Without the channel object and without a token the folder is
	// unknown: the asker gets the generic failure, not another folder.
	w = httptest.NewRecorder()
	e.ServeHTTP(w, signedReq(testKey, now, body(snowflakeAt(now.Add(time.Millisecond)), "c2", nil)))
	resp = decodeResponse(t, w)
	if resp.Data == nil || resp.Data.Content != english.tr(msgFailed) {
		t.Errorf("HTTP /ask in a channel of unknown parent = %+v, want the generic failure", resp.Data)
	}
}
