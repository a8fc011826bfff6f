package discordtest

import (
	"net/http"
	"strings"
)

// Message replies and threads: a user's message may reply to another
// (Message.ReplyTo: message_reference and referenced_message, with the
// replied message's components, as Discord sends them), and the bot may
// start a public thread from a message. The thread has the message's ID,
// its channel as parent, and THREAD_CREATE is dispatched; messages and
// replies can then be posted in it like in any channel.

// RouteStartThread starts a thread from a message.
const RouteStartThread Route = "POST /channels/{channel}/messages/{msg}/threads"

// DenyThreads takes the Create Public Threads permission from the bot in
// channel channelID: starting a thread there fails with 403, Missing
// Permissions (50013), as on Discord.
func (s *Server) DenyThreads(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noThreads == nil {
		s.noThreads = map[string]bool{}
	}
	s.noThreads[channelID] = true
}

// replyLocked makes m a reply to message replyTo when that is a message of
// m's channel, and returns the replied message's author to be pinged, as
// Discord's default allowed_mentions does ("" for none, or when noPing).
// s.mu must be held.
func (s *Server) replyLocked(m *message, replyTo string, noPing bool) string {
	if replyTo == "" {
		return ""
	}
	ref := s.msgs[replyTo]
	if ref == nil || ref.ChannelID != m.ChannelID {
		return ""
	}
	m.ReplyTo, m.Type = ref.ID, typeReply
	if noPing {
		return ""
	}
	return ref.author.ID
}

// Threads returns the IDs of the threads started from messages, oldest
// first.
func (s *Server) Threads() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range s.msgOrder {
		if ch, ok := s.channels[id]; ok && ch.typ == PublicThread {
			out = append(out, id)
		}
	}
	return out
}

func (s *Server) startThread(c *call) {
	var b struct {
		Name                string `json:"name"`
		AutoArchiveDuration int    `json:"auto_archive_duration"`
	}
	if !c.decode(&b) {
		return
	}
	chID, msgID := c.r.PathValue("channel"), c.r.PathValue("msg")
	s.mu.Lock()
	parent, ok := s.channels[chID]
	if !ok {
		s.mu.Unlock()
		c.unknownChannel()
		return
	}
	m := s.msgs[msgID]
	if m == nil || m.ChannelID != chID || m.Ephemeral {
		s.mu.Unlock()
		c.unknownMessage()
		return
	}
	var errs []formError
	if n := len([]rune(strings.TrimSpace(b.Name))); n < 1 || n > 100 {
		errs = append(errs, formError{[]string{"name"}, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
	}
	switch b.AutoArchiveDuration {
	case 0, 60, 1440, 4320, 10080:
	default:
		errs = append(errs, formError{[]string{"auto_archive_duration"}, "BASE_TYPE_CHOICES", "Value must be one of (60, 1440, 4320, 10080)."})
	}
	switch {
	case len(errs) > 0:
		s.mu.Unlock()
		c.invalidForm(errs)
		return
	case parent.guildID == "" || parent.typ != TextChannel:
		s.mu.Unlock()
		c.fail(http.StatusBadRequest, 50024, "Cannot execute action on this channel type")
		return
	case s.noThreads[chID]:
		s.mu.Unlock()
		c.fail(http.StatusForbidden, 50013, "Missing Permissions")
		return
	case s.channels[msgID].id != "":
		s.mu.Unlock()
		c.fail(http.StatusBadRequest, 160004, "A thread has already been created for this message")
		return
	}
	th := channel{id: msgID, guildID: parent.guildID, name: strings.TrimSpace(b.Name), typ: PublicThread, parent: chID}
	s.channels[msgID] = th
	if g := s.guilds[th.guildID]; g != nil {
		g.channels = append(g.channels, msgID)
	}
	obj := th.object()
	obj["owner_id"] = s.Bot.ID
	c.json(http.StatusCreated, obj)
	c.commitLocked()
	s.notifyLocked()
	// As on Discord the bot hears of its own thread (THREAD_CREATE, sent
	// whatever Options.NoEcho says: it is not an echo of a message), in
	// the background like echo, so the REST answer never waits on the
	// gateway; a client that is not connected misses it.
	created := th.object()
	created["owner_id"], created["newly_created"] = s.Bot.ID, true
	sess := s.routeLocked(th.guildID)
	if s.closed || sess == nil {
		s.mu.Unlock()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		data := marshal("THREAD_CREATE", created)
		sess.sendMu.Lock()
		defer sess.sendMu.Unlock()
		s.sendRawLocked(sess, "THREAD_CREATE", data)
	}()
}
