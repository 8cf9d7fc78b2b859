package codec

import (
	"strings"
	"testing"
)

// techEmpowerRequest is the request of TechEmpower's plaintext test.
const techEmpowerRequest = "GET /plaintext HTTP/1.1\r\n" +
	"Host: localhost\r\n" +
	"Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n" +
	"Connection: keep-alive\r\n" +
	"\r\n"

// browserRequest is what a current desktop browser sends for a page revisit:
// twenty fields including client hints, fetch metadata, a cookie and
// conditional headers, with a query string in the target.
const browserRequest = "GET /articles/2026/11/event-loops-and-parsers?utm_source=feed&ref=home HTTP/1.1\r\n" +
	"Host: www.example.com\r\n" +
	"Connection: keep-alive\r\n" +
	"Cache-Control: max-age=0\r\n" +
	"sec-ch-ua: \"Chromium\";v=\"142\", \"Google Chrome\";v=\"142\", \"Not_A Brand\";v=\"99\"\r\n" +
	"sec-ch-ua-mobile: ?0\r\n" +
	"sec-ch-ua-platform: \"Linux\"\r\n" +
	"Upgrade-Insecure-Requests: 1\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36\r\n" +
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8\r\n" +
	"Sec-Fetch-Site: same-origin\r\n" +
	"Sec-Fetch-Mode: navigate\r\n" +
	"Sec-Fetch-User: ?1\r\n" +
	"Sec-Fetch-Dest: document\r\n" +
	"Referer: https://www.example.com/articles/\r\n" +
	"Accept-Encoding: gzip, deflate, br, zstd\r\n" +
	"Accept-Language: en-GB,en-US;q=0.9,en;q=0.8,de;q=0.7\r\n" +
	"Cookie: session=4f9c2a7e1b8d4c6fa0e3; theme=dark; consent=analytics%3Dno%26ads%3Dno; _ga=GA1.1.1234567890.1732500000\r\n" +
	"If-None-Match: W/\"5e1f-19a7c3b2d40\"\r\n" +
	"If-Modified-Since: Mon, 24 Nov 2026 18:02:11 GMT\r\n" +
	"Priority: u=0, i\r\n" +
	"\r\n"

// wrkRequest is what wrk sends by default: the target and the Host field
// alone, where a parser's per-request costs outweigh its per-byte ones.
const wrkRequest = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"

// pipelineDepth is the number of requests a pipelining benchmark client
// (wrk with a pipeline script) sends per write.
const pipelineDepth = 16

// benchInputs are the buffers of BenchmarkParse. One op parses every request
// in the buffer.
var benchInputs = []struct {
	name string
	data []byte
}{
	{"techempower", []byte(techEmpowerRequest)},
	{"browser20", []byte(browserRequest)},
	{"pipelined16", []byte(strings.Repeat(techEmpowerRequest, pipelineDepth))},
	{"wrk16", []byte(strings.Repeat(wrkRequest, pipelineDepth))},
}

// parseAll parses every request in buf and returns how many there were.
func parseAll(p *Parser, req *Request, buf []byte) int {
	count := 0
	for len(buf) > 0 {
		n, err := p.Parse(buf, req)
		if err != nil {
			panic(err)
		}
		buf = buf[n:]
		count++
	}
	return count
}

func BenchmarkParse(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in.name, func(b *testing.B) {
			var p Parser
			var req Request
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				parseAll(&p, &req, in.data)
			}
			reportGBs(b, len(in.data))
		})
	}
}

// BenchmarkParseOneByte feeds the TechEmpower request one byte per call,
// the worst case of a slow client: its cost per byte should stay close to
// BenchmarkParse's, not grow with the length of the request.
func BenchmarkParseOneByte(b *testing.B) {
	data := []byte(browserRequest)
	var p Parser
	var req Request
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for i := 1; i <= len(data); i++ {
			if _, err := p.Parse(data[:i], &req); err != nil && err != ErrNeedMore {
				b.Fatal(err)
			}
		}
	}
	reportGBs(b, len(data))
}

// reportGBs adds the input bytes parsed per second in GB/s, the unit parser
// speeds are quoted in, beside go test's MB/s.
func reportGBs(b *testing.B, size int) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/s/1e9, "GB/s")
	}
}
