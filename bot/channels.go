package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/corpus"
	"kutip/retrieval"
)

// Per-channel corpora (Options.Channels). A question, a summary, /source
// and /summary's document list see the corpus folder of the channel they
// come from. The channel's folder is that of its own entry, else that of
// its parent (a channel's category, a thread's or forum post's channel),
// else that of its parent's parent (a thread's category), else the
// AnyChannel entry's; without any, the channel sees no document and
// kutip says so. A DM has no parent: it sees AnyChannel's folder.
//
// Parents are read from the gateway's channel state, which Discord keeps
// current (GUILD_CREATE, CHANNEL_UPDATE, THREAD_CREATE), and otherwise
// from GET /channels/{id}, remembered for parentTTL: a channel moved to
// another category while it is remembered keeps its old category's
// folder that long. An HTTP interaction's body names its channel's parent
// too (learnChannel), for replicas with neither gateway nor token. A
// channel whose parent cannot be read gets the generic failure, never
// another channel's folder.

// AnyChannel is the Options.Channels key of the folder every channel
// without an entry of its own or of its parents sees.
const AnyChannel = "*"

// Scoper is an index that answers from one folder of its corpus.
// *retrieval.Index and *retrieval.Live are; Options.Channels needs one.
type Scoper interface {
	AskIn(ctx context.Context, scope retrieval.Scope, question string) (retrieval.Answer, error)
	SummaryIn(ctx context.Context, scope retrieval.Scope, opts retrieval.SummaryOptions) (retrieval.Summary, error)
	DocumentsIn(scope retrieval.Scope) []corpus.Document
}

var (
	_ Scoper = (*retrieval.Index)(nil)
	_ Scoper = (*retrieval.Live)(nil)
)

// parentTTL is how long a parent read from the REST API is trusted, and
// maxParents how many are remembered (all are forgotten when full).
const (
	parentTTL  = 10 * time.Minute
	maxParents = 10000
)

// channelGetter is the REST call that reads a channel; sessionAPI has it.
type channelGetter interface {
	Channel(channelID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
}

// channelMap resolves the folder a channel sees. Safe for concurrent use.
type channelMap struct {
	folders map[string]string // Options.Channels: ID or AnyChannel → folder
	sc      Scoper

	mu      sync.Mutex
	parents map[string]parentAt // channel ID → its parent ("" = none), from REST
}

type parentAt struct {
	parent string
	at     time.Time
}

// newChannelMap checks Options.Channels against the index: nil when there
// is no mapping (every channel sees the whole corpus).
func newChannelMap(ix Index, folders map[string]string) (*channelMap, error) {
	if folders == nil {
		return nil, nil
	}
	sc, ok := ix.(Scoper)
	if !ok {
		return nil, fmt.Errorf("bot: Options.Channels needs an index with AskIn, SummaryIn and DocumentsIn (such as *retrieval.Live); %T has not", ix)
	}
	return &channelMap{folders: folders, sc: sc, parents: map[string]parentAt{}}, nil
}

// errChannelUnknown means a channel's parent could not be read, so its
// folder is unknown.
var errChannelUnknown = errors.New("cannot tell which folder the channel sees")

// scope returns the folder channelID of guildID (empty for a DM) sees;
// ok is false when it sees none. parent reads a channel's parent.
func (c *channelMap) scope(ctx context.Context, guildID, channelID string, parent func(context.Context, string) (string, error)) (scope retrieval.Scope, ok bool, err error) {
	_, hasAny := c.folders[AnyChannel]
	if guildID != "" && !(hasAny && len(c.folders) == 1) {
		id := channelID
		for depth := 0; id != "" && depth < 3; depth++ { // the channel, its parent, their parent
			if f, ok := c.folders[id]; ok {
				return retrieval.Scope{Folder: f}, true, nil
			}
			if depth < 2 {
				if id, err = parent(ctx, id); err != nil {
					return retrieval.Scope{}, false, fmt.Errorf("%w: channel %s: %w", errChannelUnknown, channelID, err)
				}
			}
		}
	}
	if f, ok := c.folders[AnyChannel]; ok {
		return retrieval.Scope{Folder: f}, true, nil
	}
	return retrieval.Scope{}, false, nil
}

// parentOf returns the parent of channel id, "" when it has none: from
// the gateway's state, else as remembered, else from the REST API.
func (b *Bot) parentOf(ctx context.Context, id string) (string, error) {
	if s := b.s; s != nil && s.StateEnabled && s.State != nil {
		if ch, err := s.State.Channel(id); err == nil {
			return ch.ParentID, nil
		}
	}
	c, now := b.channels, b.now()
	c.mu.Lock()
	p, ok := c.parents[id]
	c.mu.Unlock()
	if ok && now.Sub(p.at) < parentTTL {
		return p.parent, nil
	}
	rest, ok := b.api.(channelGetter)
	if !ok {
		return "", errors.New("no Discord API to read it from")
	}
	ch, err := rest.Channel(id, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("read channel %s: %w", id, err)
	}
	c.remember(id, ch.ParentID, now)
	return ch.ParentID, nil
}

// learnChannel remembers the parent of the channel an interaction's JSON
// body carries ("channel": {"id", "parent_id"}), which discordgo's
// Interaction leaves out: an HTTP-only replica has no gateway state and
// may have no token to read channels with.
func (b *Bot) learnChannel(body []byte) {
	c := b.channels
	if c == nil {
		return
	}
	var in struct {
		Channel *struct {
			ID       string `json:"id"`
			ParentID string `json:"parent_id"`
		} `json:"channel"`
	}
	if json.Unmarshal(body, &in) != nil || in.Channel == nil || in.Channel.ID == "" {
		return
	}
	c.remember(in.Channel.ID, in.Channel.ParentID, b.now())
}

// remember records a channel's parent as read at time at.
func (c *channelMap) remember(id, parent string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.parents) >= maxParents {
		clear(c.parents)
	}
	c.parents[id] = parentAt{parent: parent, at: at}
}

// view is the corpus as one channel sees it: all of b.ix without
// Options.Channels, else the channel's folder, or nothing (none).
type view struct {
	ix    Index
	sc    Scoper // nil without Options.Channels
	scope retrieval.Scope
	none  bool
}

// viewOf returns the corpus channelID of guildID sees (guildID empty for a
// DM). It fails only when Options.Channels is set and the channel's parent
// cannot be read.
func (b *Bot) viewOf(ctx context.Context, guildID, channelID string) (view, error) {
	c := b.channels
	if c == nil {
		return view{ix: b.ix}, nil
	}
	scope, ok, err := c.scope(ctx, guildID, channelID, b.parentOf)
	if err != nil {
		return view{ix: b.ix, none: true}, err
	}
	return view{ix: b.ix, sc: c.sc, scope: scope, none: !ok}, nil
}

// interactionView is viewOf for an interaction's channel. When the
// channel sees no document, or its folder cannot be told, it responds
// (saying so, or with the generic failure) and returns false.
func (b *Bot) interactionView(ctx context.Context, in *interaction) (view, bool) {
	v, err := b.viewOf(ctx, in.i.GuildID, in.i.ChannelID)
	switch {
	case err != nil:
		in.log.ErrorContext(ctx, "channel's folder unknown", "channel", in.i.ChannelID, "err", err)
		in.respond(failed)
		return v, false
	case v.none:
		in.respond(shortReply(msgNoCorpus))
		return v, false
	}
	return v, true
}

// Ask answers q from the view's documents.
func (v view) Ask(ctx context.Context, q string) (retrieval.Answer, error) {
	switch {
	case v.none:
		return retrieval.Answer{Question: q}, nil
	case v.sc != nil:
		return v.sc.AskIn(ctx, v.scope, q)
	}
	return v.ix.Ask(ctx, q)
}

// Summary summarises a document of the view; one outside it is unknown.
func (v view) Summary(ctx context.Context, opts retrieval.SummaryOptions) (retrieval.Summary, error) {
	switch {
	case v.none:
		return retrieval.Summary{}, fmt.Errorf("no documents in this channel: %w", retrieval.ErrUnknownDocument)
	case v.sc != nil:
		return v.sc.SummaryIn(ctx, v.scope, opts)
	}
	return v.ix.Summary(ctx, opts)
}

// AskAfter asks q, as a follow-up of previous when there is one and the
// index can (FollowUpAnswerer, or AskFollowUpIn with a mapping).
func (v view) AskAfter(ctx context.Context, previous, q string) (retrieval.Answer, error) {
	if previous != "" && !v.none {
		if f, ok := v.sc.(interface {
			AskFollowUpIn(ctx context.Context, scope retrieval.Scope, previous, question string) (retrieval.Answer, error)
		}); ok {
			return f.AskFollowUpIn(ctx, v.scope, previous, q)
		}
		if f, ok := v.ix.(FollowUpAnswerer); ok && v.sc == nil {
			return f.AskFollowUp(ctx, previous, q)
		}
	}
	return v.Ask(ctx, q)
}

// pager returns what More needs of the view's index: the top passages
// for q, read as a follow-up of previous when that is not empty; false
// when the index cannot page.
func (v view) pager() (func(ctx context.Context, previous, q string, top int) (retrieval.Answer, error), bool) {
	p, ok := v.ix.(pager)
	if !ok || v.none {
		return nil, false
	}
	return func(ctx context.Context, previous, q string, top int) (retrieval.Answer, error) {
		return p.AskTopFollowUpIn(ctx, v.scope, previous, q, top)
	}, true
}

// Documents lists the view's documents.
func (v view) Documents() []corpus.Document {
	switch {
	case v.none:
		return nil
	case v.sc != nil:
		return v.sc.DocumentsIn(v.scope)
	}
	return v.ix.Documents()
}

var _ Index = view{}
