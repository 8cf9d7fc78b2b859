package accesslog

import (
	"io"
	"log/slog"
	"testing"
)

var discardLogger = slog.New(slog.DiscardHandler)

func BenchmarkWrite(b *testing.B) {
	w := New(io.Discard, Options{ReportInterval: -1, Logger: discardLogger})
	defer w.Close()
	l := line(1)
	b.SetBytes(int64(len(l)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = w.Write(l)
	}
	b.ReportMetric(float64(w.Dropped()), "dropped")
}

func BenchmarkWriteParallel(b *testing.B) {
	w := New(io.Discard, Options{ReportInterval: -1, Logger: discardLogger})
	defer w.Close()
	l := line(1)
	b.SetBytes(int64(len(l)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = w.Write(l)
		}
	})
}
