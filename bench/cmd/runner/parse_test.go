package main

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const wrkOutput = `Running 1s test @ http://127.0.0.1:18090/
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   605.57us  168.07us   5.80ms   84.41%
    Req/Sec    66.03k     5.76k   75.30k    70.00%
  Latency Distribution
     50%  590.00us
     75%  652.00us
     90%  745.00us
     99%    1.12ms
  65832 requests in 1.00s, 8.29MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:  65635.55
Transfer/sec:      8.26MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkOutput)
	require.NoError(t, err)
	assert.EqualValues(t, 65832, r.requests)
	assert.InDelta(t, 1.0, r.seconds, 1e-9)
	assert.InDelta(t, 65635.55, r.rps, 1e-9)
	assert.InDelta(t, 590e-6, r.p50, 1e-12)
	assert.InDelta(t, 1.12e-3, r.p99, 1e-12)
	assert.EqualValues(t, 12, r.errors)
}

func TestParseWrkWithoutLatency(t *testing.T) {
	r, err := parseWrk("  831000 requests in 1.01s, 100MB read\nRequests/sec: 822772.28\n")
	require.NoError(t, err)
	assert.EqualValues(t, 831000, r.requests)
	assert.Zero(t, r.p99)
	assert.Zero(t, r.errors)

	_, err = parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n")
	assert.Error(t, err)
}

func TestParseSyscallCounters(t *testing.T) {
	perf := "# started on Wed Nov 25 08:55:40 2026\n\n276849,,raw_syscalls:sys_enter,1002003004,100.00,,\n"
	n, ok := parsePerfCount(perf)
	assert.True(t, ok)
	assert.EqualValues(t, 276849, n)
	_, ok = parsePerfCount("<not supported>,,raw_syscalls:sys_enter,0,100.00,,\n")
	assert.False(t, ok)

	strace := `% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 55.10    0.120000           2     50000           write
 44.90    0.100000           1     50010        10 read
------ ----------- ----------- --------- --------- ----------------
100.00    0.220000           2    100010        10 total
`
	n, ok = parseStraceTotal(strace)
	assert.True(t, ok)
	assert.EqualValues(t, 100010, n)
}

func TestStatOf(t *testing.T) {
	s := statOf([]float64{5, 1, 3})
	assert.Equal(t, stat{med: 3, min: 1, max: 5, n: 3}, s)
	s = statOf([]float64{4, 1, 3, 2})
	assert.Equal(t, 2.5, s.med)
	assert.Equal(t, "–", statOf(nil).cell(count))
	assert.Equal(t, "250k (240k–261k)", stat{med: 250e3, min: 240e3, max: 261e3, n: 3}.cell(count))
	assert.Equal(t, "2.70M", stat{med: 2.7e6, min: 2.7e6, max: 2.7e6, n: 3}.cell(count))
}

func TestFormatting(t *testing.T) {
	assert.Equal(t, "13.7k", count(13_700))
	assert.Equal(t, "812", count(812))
	assert.Equal(t, "590 µs", latency(590e-6))
	assert.Equal(t, "1.12 ms", latency(1.12e-3))
	assert.Equal(t, "490 B", bytesString(490))
	assert.Equal(t, "16.7 KB", bytesString(16_700))
	assert.Equal(t, "1.50×", ratio(1.5))
	assert.Equal(t, "–", ratio(math.Inf(1)))
	assert.Equal(t, 5e5, niceCeil(4.2e5))
	assert.Equal(t, 2.5e6, niceCeil(2.1e6))
}

func TestBenchLine(t *testing.T) {
	m := benchLine.FindStringSubmatch("BenchmarkParse/browser20/fastbase-2         \t   62953\t      1817 ns/op\t 550.49 MB/s\t       0 B/op\t       0 allocs/op")
	require.NotNil(t, m)
	assert.Equal(t, []string{"browser20", "fastbase", "1817", "550.49", "0", "0"}, m[1:])
	m = benchLine.FindStringSubmatch("BenchmarkParse/pipelined16/nethttp   1520   74907 ns/op   93.34 MB/s   21381 B/op   192 allocs/op")
	require.NotNil(t, m)
	assert.Equal(t, "nethttp", m[2])
	m = benchLine.FindStringSubmatch("BenchmarkParse/techempower/fastbase-2  6329265  193.4 ns/op  2259.38 MB/s  2.259 GB/s  0 B/op  0 allocs/op")
	require.NotNil(t, m)
	assert.Equal(t, []string{"techempower", "fastbase", "193.4", "2259.38", "0", "0"}, m[1:])
}

func TestRotate(t *testing.T) {
	s := []string{"a", "b", "c"}
	assert.Equal(t, []string{"b", "c", "a"}, rotate(s, 1))
	assert.Equal(t, []string{"a", "b", "c"}, rotate(s, 3))
	assert.Equal(t, []string{"a", "b", "c"}, s)
}

func TestMachine(t *testing.T) {
	m := machine()
	assert.Contains(t, m, "GiB RAM")
	assert.NotContains(t, m, " 0 GiB")
}
