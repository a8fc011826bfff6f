package bot

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the bot's Prometheus metrics. Without a registry they are
// still counted, just not exported.
type metrics struct {
	questions   *prometheus.CounterVec // by source: slash, menu, mention
	outcomes    *prometheus.CounterVec // by result: answered, abstained, failed
	latency     prometheus.Histogram   // time to compute an answer or summary
	reconnects  prometheus.Counter     // gateway connections after the first
	rateLimited prometheus.Counter     // questions refused by the per-user limit
	responses   *prometheus.CounterVec // interaction responses by kind: direct, deferred
	errors      prometheus.Counter     // replies that failed to send
	inflight    prometheus.Gauge       // handlers running now
	ready       prometheus.GaugeFunc   // 1 when the gateway is connected
	registered  prometheus.GaugeFunc   // 1 once the commands are registered
}

func newMetrics(reg *prometheus.Registry, connected, registered func() bool) (*metrics, error) {
	m := &metrics{
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kutip_questions_total",
			Help: "Questions received, by source (slash, menu, mention).",
		}, []string{"source"}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kutip_answers_total",
			Help: "Questions handled, by result (answered, abstained, failed).",
		}, []string{"result"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "kutip_answer_duration_seconds",
			Help:    "Time to compute an answer or summary, excluding Discord's API.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kutip_gateway_reconnects_total",
			Help: "Gateway connections made after the first one.",
		}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kutip_rate_limited_total",
			Help: "Questions refused because the user asked too often.",
		}),
		responses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kutip_interaction_responses_total",
			Help: "Interaction responses, by kind (direct, deferred).",
		}, []string{"kind"}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kutip_reply_errors_total",
			Help: "Replies that Discord's API refused or that failed to send.",
		}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kutip_handlers_in_flight",
			Help: "Event handlers running now.",
		}),
		ready: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kutip_gateway_connected",
			Help: "1 when the gateway connection is up, else 0.",
		}, func() float64 {
			if connected() {
				return 1
			}
			return 0
		}),
		registered: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kutip_commands_registered",
			Help: "1 once the slash commands are registered in their scope (0 while Discord refuses them: see the log).",
		}, func() float64 {
			if registered() {
				return 1
			}
			return 0
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{
		m.questions, m.outcomes, m.latency, m.reconnects, m.rateLimited,
		m.responses, m.errors, m.inflight, m.ready, m.registered,
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) observe(start time.Time) {
	m.latency.Observe(time.Since(start).Seconds())
}
