package admin

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastbase/fastbase/engine"
)

// Source is what the admin listener reads from a server; *engine.Server
// implements it. Both methods must be safe to call from any goroutine.
type Source interface {
	Stats() engine.Stats
	Draining() bool
}

// collector turns one [engine.Stats] snapshot per scrape into metrics.
type collector struct {
	src Source

	requests, parseErrors                 *prometheus.Desc
	bytesIn, bytesOut                     *prometheus.Desc
	connsOpen, connsAccepted, connsClosed *prometheus.Desc
	connsCut                              *prometheus.Desc
	inFlight, workerQueue                 *prometheus.Desc
	logDropped, draining, panics          *prometheus.Desc
	pending, lateness                     *prometheus.Desc
}

// NewCollector returns a Prometheus collector that reads src.Stats() each
// time it is scraped and reports:
//
//	fastbase_requests_total{method,code}         requests answered
//	fastbase_parse_errors_total{code}            requests refused before the handler
//	fastbase_received_bytes_total                request bytes read
//	fastbase_sent_bytes_total                    response bytes written
//	fastbase_connections_open                    connections open now
//	fastbase_connections_accepted_total          connections accepted
//	fastbase_connections_closed_total            connections closed
//	fastbase_connections_cut_total               connections cut for holding too much memory
//	fastbase_requests_in_flight                  requests being handled now
//	fastbase_worker_queue_length                 requests waiting for a worker
//	fastbase_access_log_dropped_lines_total      access-log lines dropped
//	fastbase_handler_panics_total                handler panics recovered (answered 500)
//	fastbase_draining                            1 once shutdown has begun
//	fastbase_pending_answers                     answers that come later, held now
//	fastbase_answer_lateness_seconds             histogram: how late their timed pieces were sent
//
// method is one of [engine.StatsMethods], so clients cannot grow the label
// set; code is the numeric status.
func NewCollector(src Source) prometheus.Collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("fastbase_"+name, help, labels, nil)
	}
	return &collector{
		src:           src,
		requests:      d("requests_total", "Requests answered, by method and status code.", "method", "code"),
		parseErrors:   d("parse_errors_total", "Requests refused before reaching the handler (malformed, over a limit, timed out), by status code.", "code"),
		bytesIn:       d("received_bytes_total", "Request bytes read: header blocks and bodies."),
		bytesOut:      d("sent_bytes_total", "Response bytes handed to the socket."),
		connsOpen:     d("connections_open", "Connections open now."),
		connsAccepted: d("connections_accepted_total", "Connections accepted."),
		connsClosed:   d("connections_closed_total", "Connections closed."),
		connsCut:      d("connections_cut_total", "Connections cut for holding more than the inbound limit or the most over the memory budget."),
		inFlight:      d("requests_in_flight", "Requests being handled now."),
		workerQueue:   d("worker_queue_length", "Requests waiting for a worker."),
		logDropped:    d("access_log_dropped_lines_total", "Access-log lines dropped because the log destination did not keep up."),
		draining:      d("draining", "1 once the server has begun to shut down, else 0."),
		panics:        d("handler_panics_total", "Panics recovered from handlers; each request was answered 500."),
		pending:       d("pending_answers", "Answers that come later (delayed or streamed), held now."),
		lateness:      d("answer_lateness_seconds", "How late the timed pieces of answers that come later were sent, after the time they were due."),
	}
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		c.requests, c.parseErrors, c.bytesIn, c.bytesOut,
		c.connsOpen, c.connsAccepted, c.connsClosed, c.connsCut,
		c.inFlight, c.workerQueue, c.logDropped, c.draining, c.panics,
		c.pending, c.lateness,
	} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	st := c.src.Stats()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	for _, r := range st.Requests {
		counter(c.requests, r.Count, r.Method, strconv.Itoa(r.Status))
	}
	for _, e := range st.ParseErrors {
		counter(c.parseErrors, e.Count, strconv.Itoa(e.Status))
	}
	counter(c.bytesIn, st.BytesIn)
	counter(c.bytesOut, st.BytesOut)
	gauge(c.connsOpen, float64(st.ConnsOpen))
	counter(c.connsAccepted, st.ConnsAccepted)
	counter(c.connsClosed, st.ConnsClosed)
	counter(c.connsCut, st.ConnsCut)
	gauge(c.inFlight, float64(st.InFlight))
	gauge(c.workerQueue, float64(st.WorkerQueue))
	counter(c.logDropped, st.LogLinesDropped)
	counter(c.panics, st.HandlerPanics)
	gauge(c.pending, float64(st.PendingAnswers))
	ch <- latenessHistogram(c.lateness, st)
	draining := 0.0
	if c.src.Draining() {
		draining = 1
	}
	gauge(c.draining, draining)
}

// latenessHistogram is st's answer lateness as a Prometheus histogram.
func latenessHistogram(d *prometheus.Desc, st engine.Stats) prometheus.Metric {
	buckets := make(map[float64]uint64, len(engine.AnswerLatenessBounds))
	var n uint64
	for i, bound := range engine.AnswerLatenessBounds {
		n += st.AnswerLateness[i]
		buckets[bound.Seconds()] = n
	}
	n += st.AnswerLateness[len(engine.AnswerLatenessBounds)]
	return prometheus.MustNewConstHistogram(d, n, st.AnswerLatenessSum.Seconds(), buckets)
}
