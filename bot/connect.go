package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/websocket"
)

// connect makes a shard's first gateway connection, after the shard's
// start-up wait (shard.go). Each try is bounded by the reconnector's timeout (discordgo's Open waits for HELLO and READY with no
// deadline), and a connection whose READY named no bot user is not one: it
// is closed. A failed try is retried after the reconnector's wait, growing
// with each failure, until ctx ends (connect then returns nil, and Run
// stops) or a failure that retrying cannot mend: a refused token
// (ErrTokenRefused) or a gateway close code Discord documents as final
// (fatalCloseCodes).
func (b *Bot) connect(ctx context.Context, sh *shardConn) error {
	gw, rc := sh.gw, sh.rc
	if sh.startWait > 0 {
		sh.log.Info("gateway identify waits for its shard's turn", "wait", sh.startWait.Round(time.Millisecond))
	}
	if b.shardSleep(ctx, sh.startWait) != nil {
		return nil
	}
	for n := 1; ; n++ {
		if n > 1 && sh.gate != nil && sh.gate(ctx) != nil {
			return nil
		}
		err := b.openFirst(ctx, sh, rc.timeout)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			if b.waitIdentity(ctx, sh, rc.timeout) {
				rc.opened()
				return nil
			}
			if ctx.Err() != nil {
				sh.s.Close()
				return nil
			}
			err = errNoReady
			if cerr := sh.s.Close(); cerr != nil {
				sh.log.Warn("close gateway", "err", cerr)
			}
		}
		if fatal := gatewayFatal(err); fatal != nil {
			return fatal
		}
		gw.closeCode() // this failure's, acted on here
		// Whatever session a failed try began, the next one starts anew:
		// a RESUME of it would only be refused.
		forgetSession(sh.s)
		wait := rc.wait(n)
		sh.log.Warn("cannot connect to the discord gateway; retrying", "err", err, "attempt", n, "retry_in", wait.Round(time.Millisecond))
		if sleep(ctx, wait) != nil {
			return nil
		}
	}
}

// waitIdentity reports whether READY has named the bot user, waiting for
// it at most timeout: Open returns after the first event that follows
// IDENTIFY, which is not READY when Discord answered INVALID_SESSION first
// (discordgo then identifies again, and READY comes later).
func (b *Bot) waitIdentity(ctx context.Context, sh *shardConn, timeout time.Duration) bool {
	if _, self := sh.identity(); self != "" {
		return true
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-sh.ready:
		_, self := sh.identity()
		return self != ""
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// errNoReady is a connection that opened without a READY naming the bot.
var errNoReady = errors.New("the gateway opened without a READY naming the bot user")

// openFirst runs one Open, bounded by timeout; ctx ending stops it. When
// ctx ends it waits for the Open (at most DrainTimeout) and closes what it
// opened.
func (b *Bot) openFirst(ctx context.Context, sh *shardConn, timeout time.Duration) error {
	gw := sh.gw
	opened := make(chan error, 1)
	go func() { opened <- sh.s.Open() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-opened:
		return err
	case <-timer.C:
		// Closing its connections makes a stuck Open fail at once; one
		// still fetching GET /gateway is bounded by the HTTP client.
		gw.closeConns()
		err := <-opened
		if err == nil {
			return nil // READY came just in time
		}
		return fmt.Errorf("no HELLO and READY within %v: %w", timeout, err)
	case <-ctx.Done():
		gw.closeAll()
		select {
		case err := <-opened:
			if err == nil {
				sh.s.Close()
			}
		case <-time.After(b.opts.DrainTimeout):
			sh.log.Warn("gateway connection still opening at shutdown")
		}
		return ctx.Err()
	}
}

// fatalCloseCodes are the gateway close codes after which Discord says not
// to reconnect, and what each means for kutip. 4004 is ErrTokenRefused.
var fatalCloseCodes = map[int]string{
	4010: "Discord refused the shard (close 4010, invalid shard): check SHARD_COUNT and SHARD_IDS, or set SHARD_COUNT=0 to use the count Discord recommends",
	4011: "Discord requires sharding (close 4011): a shard is in more than 2,500 servers; set SHARD_COUNT=0 (the count Discord recommends) or a larger SHARD_COUNT",
	4012: "Discord refused the gateway API version (close 4012, invalid API version): update kutip",
	4013: "Discord refused the gateway intents (close 4013, invalid intents): update kutip",
	4014: "Discord refused the gateway intents (close 4014, disallowed intents): kutip asks for no privileged intent, so check the application in the Developer Portal (Bot page) and that DISCORD_TOKEN belongs to it",
}

// gatewayFatal returns the error to end Run with when err is one that
// retrying cannot mend, or nil.
func gatewayFatal(err error) error {
	if tokenRefused(err) {
		return fmt.Errorf("connect to the discord gateway: %w (%w)", ErrTokenRefused, err)
	}
	var closed *websocket.CloseError
	if errors.As(err, &closed) {
		if why, ok := fatalCloseCodes[closed.Code]; ok {
			return fmt.Errorf("connect to the discord gateway: %s (%w)", why, err)
		}
	}
	return nil
}
