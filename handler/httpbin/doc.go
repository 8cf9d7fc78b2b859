// Package httpbin is the target fastbase offers load tests and proxy and
// client tests: go-httpbin's routes, answering with its JSON field for
// field, and fortio's echo server on every other path, built on the
// handler API's router alone.
//
// # go-httpbin's routes
//
// /get /head /post /put /patch /delete /anything /anything/… answer with
// args, headers, method, origin and url, and for requests that may carry
// a body data, files, form and json, as go-httpbin does (two-space
// indented JSON, Content-Type application/json; charset=utf-8, CORS
// headers, OPTIONS preflight; the first six take their one method and
// answer another with net/http.ServeMux's 405 and Allow). Then
// /headers /ip /user-agent /uuid /hostname, /status/{code} (a code, or a
// weighted list "200:3,500:1"), /unstable (failure_rate, seed),
// /bytes/{n} (seed), /range/{n} (one Range: 206, 416 when unsatisfiable),
// /gzip /deflate, /response-headers, /redirect/{n} (absolute=true)
// /relative-redirect/{n} /absolute-redirect/{n} /redirect-to (url,
// status_code), /basic-auth/{user}/{password}
// /hidden-basic-auth/{user}/{password} /bearer, /cache /cache/{n}
// /etag/{etag}, /cookies /cookies/set /cookies/delete (with attr[Path],
// attr[Domain], attr[HttpOnly], attr[Secure], attr[SameSite]), /base64/{data}
// /base64/{operation}/{data}, /json /html /xml /robots.txt /deny
// /encoding/utf8 and /dump/request. A bad parameter gets go-httpbin's 400
// JSON error, whose detail says what was wrong.
//
// What takes time waits on the server's timers, with no goroutine per
// request: /delay/{duration} (a Go duration or seconds, up to
// [Options].MaxDuration) answers as /anything after it; /drip (duration,
// numbytes, delay, code) sends its bytes one piece at a time under a
// Content-Length, as a slow server does; /sse (count, duration, delay)
// sends server-sent "ping" events over the duration; /stream/{n} (n JSON
// lines, at most 100) and /stream-bytes/{n} (seed, chunk_size) answer
// chunked; /range/{n}?duration= waits before answering.
//
// # fortio's echo
//
// Every other path is fortio's echo: the request body back with its
// Content-Type, and these query parameters, read as fortio reads them:
//
//   - status: a code ("503"), or "code:percent" pairs ("503:10,429:5"),
//     the rest of the hundred 200.
//   - size: answer that many bytes of payload (application/octet-stream)
//     instead of the body, "0" for none; or "size:percent" pairs, the rest
//     echoing the body.
//   - header: "Name:Value", once per header to add.
//   - close: "true" closes the connection after the answer, a number
//     closes it that percent of the time.
//   - gzip: "true" or a percentage; compresses the answer when the client
//     accepts gzip.
//   - delay: a duration ("100ms"), or "delay:percent" pairs ("10ms:20,1s:0.5"),
//     the rest none; each capped at [Options].MaxDuration, as fortio caps at
//     its maximum. The answer waits on the server's timers.
//
// And the faults that clients and proxies must survive, with the same
// syntax, which neither fortio nor go-httpbin offers:
//
//   - reset: "true" or a percentage: no answer, the connection aborted
//     with a TCP reset (curl: "Connection reset by peer").
//   - truncate: a byte count or "count:percent" pairs: the body is cut
//     after that many bytes, its Content-Length unchanged, and the
//     connection closes (curl: error 18, partial file).
//   - rate: bytes per second, or "rate:percent" pairs: the body is written
//     in pieces at that rate, under its Content-Length, on the server's
//     timers (?rate=1000&size=5000 takes five seconds).
//
// [Options].EchoDefault applies to requests without a query string, as
// fortio's -echo-server-default-params. /debug answers with the request
// told back as text, compressed when the client accepts gzip.
//
// The module in bench/ holds a differential test, peerdiff, that asks
// go-httpbin and fortio the same requests over loopback sockets and
// compares their answers with these.
//
// # Where it departs from go-httpbin and fortio
//
// Each departure has its reason and a test (departures_test.go, and the
// differential test's list of departures, each of which must still show).
//
//   - A HEAD answer carries the Content-Length a GET would get (RFC 9110
//     §9.3.2 lets it); net/http under go-httpbin sends none.
//   - The echo answers a parameter it cannot read with 400 and a text
//     message: fortio answers a bad status with 400 and the echo, turns a
//     negative size into 0, and ignores a size that is not a number, a
//     header without ':' and a malformed list without saying so, which
//     hides a typo in a load test. A status below
//     200 is refused too: it is not a final answer, and net/http, under
//     fortio, would send it as an interim one followed by 200.
//   - size= is cut to MaxBodySize (1 MiB by default); fortio cuts it to its
//     own -maxpayloadsizekb (256 KiB by default).
//   - delay= is capped at MaxDuration (10 s by default, the server's
//     -max-delay) where fortio caps at its -max-echo-delay (1.5 s), and a
//     delay that is not a duration gets 400 where fortio answers at once.
//   - /range/{n}?duration= waits that long, then answers; go-httpbin paces
//     the body over the duration, which takes as long.
//   - The echo refuses (413) a body larger than MaxBodySize, to bound what
//     one request may make the server hold; fortio reads any body whole.
//   - The echo's Content-Length is the length of what it sends, not the
//     request's: with gzip the two differ, and fortio then sends none.
//   - /debug names fastbase and never dumps the environment (fortio's
//     env=dump), which no network client should be able to read.
//   - /hostname answers the machine's name (go-httpbin answers
//     "go-httpbin" unless -use-real-hostname).
//   - /cache's ETag is a quoted SHA-1 of its Last-Modified, a valid entity
//     tag; go-httpbin's is unquoted. Last-Modified is in GMT, as HTTP dates
//     are (RFC 9110 §5.6.7).
//   - /range answers several ranges with the whole body (200), which RFC
//     9110 §14.2 allows; go-httpbin sends multipart/byteranges.
//   - /dump/request gives the header lines in the order and case they came
//     in; go-httpbin's, through net/http, sorts and canonicalizes them.
//   - /json, /xml, /html and /encoding/utf8 are documents of the same kind
//     as httpbin's, written here.
package httpbin
