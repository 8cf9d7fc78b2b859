package codec_test

import "strings"

// input is one buffer of request header blocks and how many blocks it holds.
type input struct {
	name     string
	data     []byte
	requests int
	headers  int // header fields per request, for the sanity checks
}

// techEmpower is the request TechEmpower's plaintext runs send: a short
// target and six fields, two of them long.
const techEmpower = "GET /plaintext HTTP/1.1\r\n" +
	"Host: server\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20130501 Firefox/30.0 AppleWebKit/600.00 Chrome/30.0.0000.0 Trident/10.0 Safari/600.00\r\n" +
	"Cookie: uid=12345678901234567890; __utma=1.1234567890.1234567890.1234567890.1234567890.12; wd=2560x1600\r\n" +
	"Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n" +
	"Accept-Language: en-US,en;q=0.5\r\n" +
	"Connection: keep-alive\r\n" +
	"\r\n"

// browser is what a current desktop browser sends for a page revisit:
// twenty fields including client hints, fetch metadata, a cookie and
// conditional headers, with a query string in the target.
const browser = "GET /articles/2026/11/event-loops-and-parsers?utm_source=feed&ref=home HTTP/1.1\r\n" +
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

// wrk is what wrk sends by default: the target and the Host field alone.
// The per-request costs of a parser outweigh its per-byte costs here.
const wrk = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"

const pipelineDepth = 16

var inputs = []input{
	{name: "techempower", data: []byte(techEmpower), requests: 1, headers: 6},
	{name: "browser20", data: []byte(browser), requests: 1, headers: 20},
	{name: "pipelined16", data: []byte(strings.Repeat(techEmpower, pipelineDepth)), requests: pipelineDepth, headers: 6},
	{name: "wrk16", data: []byte(strings.Repeat(wrk, pipelineDepth)), requests: pipelineDepth, headers: 1},
}
