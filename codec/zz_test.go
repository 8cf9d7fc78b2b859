package codec

import "testing"

func BenchmarkScanOnlySmall(b *testing.B) {
	data := []byte(techEmpowerRequest)
	var e lineEnds
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		scanLines(data, 0, -1, &e)
	}
}

const teBig = "GET /plaintext HTTP/1.1\r\n" +
	"Host: server\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20130501 Firefox/30.0 AppleWebKit/600.00 Chrome/30.0.0000.0 Trident/10.0 Safari/600.00\r\n" +
	"Cookie: uid=12345678901234567890; __utma=1.1234567890.1234567890.1234567890.1234567890.12; wd=2560x1600\r\n" +
	"Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n" +
	"Accept-Language: en-US,en;q=0.5\r\n" +
	"Connection: keep-alive\r\n" +
	"\r\n"

func BenchmarkParseTE(b *testing.B) {
	data := []byte(teBig)
	var p Parser
	var req Request
	for b.Loop() {
		p.Parse(data, &req)
	}
}

func BenchmarkParseMin(b *testing.B) {
	data := []byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	var p Parser
	var req Request
	for b.Loop() {
		p.Parse(data, &req)
	}
}

func BenchmarkParseMany(b *testing.B) {
	s := "GET / HTTP/1.1\r\nHost: a\r\n"
	for i := 0; i < 29; i++ {
		s += "X-Abc: defgh\r\n"
	}
	data := []byte(s + "\r\n")
	var p Parser
	var req Request
	for b.Loop() {
		p.Parse(data, &req)
	}
}

func BenchmarkScanMany(b *testing.B) {
	s := "GET / HTTP/1.1\r\nHost: a\r\n"
	for i := 0; i < 29; i++ {
		s += "X-Abc: defgh\r\n"
	}
	data := []byte(s + "\r\n")
	var e lineEnds
	for b.Loop() {
		scanLines(data, 0, -1, &e)
	}
}
