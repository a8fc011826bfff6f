package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// interaction is one interaction being answered. It enforces Discord's
// rule of exactly one response: the first reply is sent as the response (or
// as the edit of a deferred one), and any later reply is a bug, logged and
// dropped.
type interaction struct {
	i      *discordgo.Interaction
	api    Discord
	log    *slog.Logger
	budget time.Duration // before deferring
	// created is when Discord created the interaction (from its ID), which
	// starts its windows for a response and for edits.
	created time.Time
	m       *metrics
	// work is the bot's context for replies; ctx bounds this interaction.
	work context.Context
	// lang is the language of the user's client (Interaction.Locale),
	// which kutip's own sentences are given in.
	lang lang

	mu    sync.Mutex
	state responseState
}

type responseState int

const (
	fresh     responseState = iota // nothing sent yet
	deferred                       // a deferral was sent; the reply edits @original
	responded                      // the reply was sent
)

// Discord's windows, from an interaction's creation: its first response
// must come within callbackWindow, and its token (for editing the response)
// lives for tokenLifetime.
const (
	callbackWindow = 3 * time.Second
	tokenLifetime  = 15 * time.Minute
)

// lateGrace is how long a reply whose window has passed, by our clock, may
// still be tried: the clocks may differ, and Discord's refusal (10062,
// unknown interaction) ends the tries anyway.
const lateGrace = time.Second

// sendContext bounds the tries of a call for this interaction: until the
// window from its creation closes (or lateGrace from now, if later), and
// at once when the bot's work is cancelled at shutdown.
func (in *interaction) sendContext(window time.Duration) (context.Context, context.CancelFunc) {
	until := in.created.Add(window)
	if late := time.Now().Add(lateGrace); until.Before(late) {
		until = late
	}
	return context.WithDeadline(in.work, until)
}

// respond sends r as the interaction's one response: directly, or as the
// edit of @original after a deferral. A reply that breaks Discord's limits
// (a rendering bug) is logged and replaced by the generic failure.
func (in *interaction) respond(r reply) {
	r = r.localized(in.lang)
	if err := r.check(); err != nil {
		in.log.Error("reply breaks discord limits", "err", err)
		r = failed
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	var err error
	switch in.state {
	case fresh:
		ctx, cancel := in.sendContext(callbackWindow)
		defer cancel()
		err = in.api.InteractionRespond(in.i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: r.interactionData(),
		}, discordgo.WithContext(ctx))
		in.m.responses.WithLabelValues("direct").Inc()
	case deferred:
		ctx, cancel := in.sendContext(tokenLifetime)
		defer cancel()
		_, err = in.api.InteractionResponseEdit(in.i, r.webhookEdit(), discordgo.WithContext(ctx))
	case responded:
		in.log.Error("second response to an interaction dropped")
		return
	}
	in.state = responded
	if err != nil {
		in.m.errors.Inc()
		in.log.Error("send response", "err", err)
	}
}

// deferResponse acknowledges the interaction with "kutip is thinking…";
// the reply then edits @original. Ephemeral sets whether that message, and
// so the reply, is seen by the user alone.
func (in *interaction) deferResponse(ephemeral bool) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.state != fresh {
		return nil
	}
	ctx, cancel := in.sendContext(callbackWindow)
	defer cancel()
	data := &discordgo.InteractionResponseData{AllowedMentions: noMentions()}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	err := in.api.InteractionRespond(in.i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: data,
	}, discordgo.WithContext(ctx))
	in.m.responses.WithLabelValues("deferred").Inc()
	if err != nil {
		// Discord may or may not have taken it; either way no edit can
		// follow a deferral it did not take, so treat it as the response.
		in.state = responded
		in.m.errors.Inc()
		return err
	}
	in.state = deferred
	return nil
}

// answer computes a reply with f and sends it: directly if f is done within
// the budget, otherwise after a deferral (ephemeral as given). An error or
// panic in f is logged with the interaction ID and the user gets the generic
// failure. answer returns when f has returned, so that shutdown can wait for
// the index to be idle.
func (in *interaction) answer(ctx context.Context, ephemeral bool, f func(ctx context.Context) (reply, error)) {
	type result struct {
		r   reply
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
			}
		}()
		r, err := f(ctx)
		done <- result{r, err}
	}()

	timer := time.NewTimer(in.budget)
	defer timer.Stop()
	var res result
	select {
	case res = <-done:
	case <-timer.C:
		if err := in.deferResponse(ephemeral); err != nil {
			in.log.Error("defer response", "err", err)
			<-done
			return
		}
		res = <-done
	}
	if res.err != nil {
		in.log.Error("answer failed", "err", res.err)
		in.respond(failed)
		return
	}
	in.respond(res.r)
}

// finish makes sure the interaction got a response, sending the generic
// failure if a handler returned (or panicked) without one.
func (in *interaction) finish() {
	in.mu.Lock()
	state := in.state
	in.mu.Unlock()
	if state != responded {
		in.log.Error("handler sent no response")
		in.respond(failed)
	}
}
