// Package discordtest is an in-process fake of Discord for tests: a real
// WebSocket gateway and a REST API that speak Discord's protocol closely
// enough that an unmodified discordgo session (or any other client) can
// run against it, while the test plays the users.
//
//	srv := discordtest.New(t, discordtest.Options{})
//	// point the bot at srv.URL (below), start it, then:
//	if err := srv.WaitReady(ctx); err != nil { … }
//	id, err := srv.Interact(ctx, discordtest.Interaction{
//		Name:    "ask",
//		Options: []discordtest.Option{{Name: "question", Value: "when did Russia ratify?"}},
//	})
//	reply, err := srv.WaitReply(ctx, id)
//	// reply.Original.Text() is what the user sees; srv.Responses(id) the
//	// requests behind it.
//
// # Pointing a client at the fake
//
// REST lives under srv.URL+"/api/v9/" (v10 works too) and GET /gateway
// returns srv.GatewayURL. In a test that makes its own discordgo session,
// set the session's Client to srv.Client(): it sends requests addressed
// to https://discord.com to the fake, so nothing global changes and tests
// can run in parallel. A program that takes a base URL (kutip's
// DISCORD_API_BASE, bot.Options.APIBase) does the same in its own
// transport: it sends requests addressed to https://discord.com to that
// base instead. This package changes no globals, and neither need its
// clients: discordgo's package-level Endpoint variables can stay as they
// are.
//
// # The gateway
//
// On connect the fake sends HELLO with Options.HeartbeatInterval. It then
// handles
//
//   - IDENTIFY (op 2): checks the token, properties and intents (4004,
//     4013, 4014 Disallowed intents for Options.DeniedIntents), starts a
//     session and sends READY (user, session_id, resume_gateway_url,
//     application, the bot's guilds as unavailable), then GUILD_CREATE
//     with each guild's channels when the client has the GUILDS intent;
//   - HEARTBEAT (op 1), answered with HEARTBEAT_ACK (op 11), before or
//     after IDENTIFY; RequestHeartbeat sends op 1 the other way;
//   - RESUME (op 6): replays the dispatches after the client's seq, then
//     sends RESUMED; an unknown or ended session gets INVALID_SESSION
//     false, a seq from the future close code 4007, and a seq older than
//     Options.ReplayBuffer INVALID_SESSION false;
//   - PRESENCE_UPDATE (op 3), checked and kept (Presence); voice state and
//     member requests are accepted and ignored;
//   - anything else: close codes 4001 Unknown opcode, 4002 Decode error,
//     4003 Not authenticated, 4005 Already authenticated.
//
// Sequence numbers count up per session, and a session outlives its
// connections. A client closing with code 1000 or 1001 ends its session
// (it cannot resume), as on Discord; other closes and dropped connections
// leave it resumable. Dispatches are zlib-compressed binary frames when
// IDENTIFY asked for compress and the frame is 256 bytes or more, which is
// how discordgo connects by default. Only the query ?v=9 or ?v=10 with
// encoding=json is accepted: no ETF, no zlib-stream transport compression.
//
// The test drives the connection with Reconnect (op 7: the fake stops
// sending, the client should resume), InvalidSession (op 9),
// CutConnections (a dropped TCP connection without a close frame) and
// CloseConnections (a close code, such as 4004 or 4009, which for 4007 and
// 4009 ends the session), or arms DisruptHandshake to send op 7 or cut the
// connection right after the next READY or RESUMED, and RefuseIdentify to
// answer the next IDENTIFYs with op 9. Events dispatched meanwhile are kept
// for the resume. The bot's guilds are GuildID and those JoinGuild adds
// (GUILD_CREATE for each); a guild joined with NoCommandsScope refuses
// the application's commands until AllowCommands.
//
// Sharding works as on Discord (shards.go): an IDENTIFY with shard [id,
// count] gets only the guilds with (guild_id >> 22) % count == id, in
// READY, GUILD_CREATE and every later event, and events without a guild
// (DMs) on shard 0; 4010 for an invalid shard, 4011 when a connection
// would hold more than Options.GuildsPerShard guilds. GET /gateway/bot
// recommends Options.Shards (default one per 1,000 guilds) and reports
// session_start_limit. JoinGuild's Guild.Shard and Shards make a guild ID
// that falls on a given shard; WaitShards and Identified follow the shards.
//
// # Events
//
// Interact dispatches INTERACTION_CREATE for a registered command (slash,
// message or user command, or an autocomplete), with options checked
// against the registered schema, member or user, token, app_permissions,
// locale and context, and resolved messages or users. Message dispatches
// MESSAGE_CREATE with mentions worked out from the content; delivery
// follows the intents, and without MESSAGE_CONTENT a guild message that
// does not mention the bot arrives with empty content. The bot's own
// messages come back to it as MESSAGE_CREATE, MESSAGE_UPDATE and
// MESSAGE_DELETE, as on Discord, unless Options.NoEcho is set.
//
// # REST
//
// The fake serves GET /gateway, /gateway/bot, /users/@me,
// /applications/@me; application commands (bulk overwrite, create, list,
// delete; global and per guild, with Discord's validation and stable IDs;
// 403 Missing Access, 50001, for a guild the bot is not in or joined
// without the applications.commands scope);
// interaction callbacks; the interaction webhook (original response get,
// edit, delete; follow-ups create, edit, delete); channel messages (create,
// with replies and enforce_nonce; get), typing, GET /channels/{id} and DM
// creation. Every request is recorded (Requests) with its answer.
//
// Answers follow Discord: bot routes need "Authorization: Bot <token>"
// (interaction routes do not); errors are JSON with Discord's codes, such
// as 50035 Invalid Form Body with a nested errors object, 50006 Cannot send
// an empty message, 10062 Unknown interaction and 40060 Interaction has
// already been acknowledged. A callback is accepted once, within
// Options.InteractionTimeout (3 s) of the dispatch; the interaction's
// webhook exists only after it and works for Options.TokenLifetime.
// Messages are checked against Discord's limits (2,000 characters of
// content, ten embeds of 6,000 characters in all, field and title
// lengths), and their pings are worked out from allowed_mentions (Sent).
//
// Every route has rate-limit buckets per top-level resource, reported in
// X-RateLimit-Limit, -Remaining, -Reset, -Reset-After and -Bucket and
// enforced with 429 answers like Discord's (retry_after in seconds,
// Retry-After, X-RateLimit-Scope); see DefaultLimits and Options.Limits.
// The global limit of 50 requests a second is not enforced. FailNext and
// FailRate inject 429s (per route or global) and 5xx answers, optionally
// after the request took effect (Fault.AfterApply), and slow answers: the
// request takes effect and its answer comes Fault.Delay later, or never if
// the client gives up first.
//
// # HTTP interactions
//
// Endpoint plays Discord for an application whose Interactions Endpoint
// URL is set: Endpoint.Interact and Endpoint.Click post the same
// interactions Interact and Click dispatch, signed with the application's
// Ed25519 key (PublicKey), to the endpoint or a load balancer in front of
// it, and take the HTTP response's body as the callback, checked and
// recorded as if it had come to the callback route (Responses, Stats,
// DoubleAcks); the edit of a deferred response comes through the
// webhook as usual. Ping posts a PING; Post sends a request signed
// wrongly, stale or not at all (Signing); Replay sends a delivery's exact
// request again. RegisterCommands registers commands without a gateway
// session, as for HTTP-only replicas.
//
// # Waiting
//
// Tests wait on conditions, not sleeps: WaitReady, WaitReply,
// WaitResponses, WaitSent, and WaitFor for anything else; each re-checks
// whenever the fake's state changes (and every 10 ms). A request shows in
// Requests and Responses no later than its effect shows anywhere else.
// Every waiter wakes at every change, so a load test of thousands of
// interactions should wait once, on Stats (Callbacks reaching the count),
// rather than in thousands of goroutines. Stats counts identifies,
// resumes, heartbeats, dispatches, callbacks, refusals and faults.
//
// # Memory
//
// The fake keeps at most Options.MaxRequests requests,
// Options.MaxInteractions interactions and Options.MaxMessages messages,
// dropping the oldest, so a load test of tens of thousands of interactions
// runs in bounded memory; Stats keeps counting.
//
// Not modelled: voice, sharding beyond accepting the shard field,
// permissions, member lists, threads, reactions and attachments'
// contents.
package discordtest
