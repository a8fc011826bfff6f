package health

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// IndexMetrics are the index's metrics: its size and its hot reloads.
type IndexMetrics struct {
	reloads  *prometheus.CounterVec
	duration prometheus.Histogram
	last     prometheus.Gauge
}

// Reload results, the values of IndexMetrics.Reloaded's result label.
const (
	ReloadSwapped   = "swapped"   // a new index is in use
	ReloadUnchanged = "unchanged" // the files changed but not the corpus
	ReloadFailed    = "failed"    // the new corpus was broken; the old index stays
)

// NewIndexMetrics registers the index metrics on reg. size reports the
// current index's documents and sentences when /metrics is read.
func NewIndexMetrics(reg prometheus.Registerer, size func() (documents, sentences int)) (*IndexMetrics, error) {
	m := &IndexMetrics{
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kutip_index_reloads_total",
			Help: "Attempts to load a changed corpus, by result (swapped, unchanged, failed).",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "kutip_index_reload_duration_seconds",
			Help:    "Time to load a changed corpus and build its index.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2.5, 10), // 50ms to about 3 minutes
		}),
		last: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kutip_index_last_reload_timestamp_seconds",
			Help: "When a new index was last swapped in (Unix time); 0 before the first reload.",
		}),
	}
	for _, r := range []string{ReloadSwapped, ReloadUnchanged, ReloadFailed} {
		m.reloads.WithLabelValues(r) // export zeros, so rate() works from the start
	}
	cs := []prometheus.Collector{
		m.reloads, m.duration, m.last,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kutip_index_documents",
			Help: "Documents in the index in use.",
		}, func() float64 { d, _ := size(); return float64(d) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kutip_index_sentences",
			Help: "Sentences in the index in use.",
		}, func() float64 { _, s := size(); return float64(s) }),
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Reloaded records one attempt to load a changed corpus.
func (m *IndexMetrics) Reloaded(result string, took time.Duration) {
	m.reloads.WithLabelValues(result).Inc()
	m.duration.Observe(took.Seconds())
	if result == ReloadSwapped {
		m.last.SetToCurrentTime()
	}
}
