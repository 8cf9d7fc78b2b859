/*
 * harness.c times picohttpparser's phr_parse_request on bench/codec's four
 * inputs (bench/codec/inputs_test.go), the way bench/codec times fastbase:
 * one op is the whole input, the pipelined ones parsed request by request.
 * picohttpparser itself is not part of this repository; run.sh fetches it.
 *
 * Output: one line per input with the median and the best of ROUNDS rounds,
 * in ns per op, and GB/s of the best.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "picohttpparser.h"

#define TECHEMPOWER                                                            \
  "GET /plaintext HTTP/1.1\r\n"                                                \
  "Host: server\r\n"                                                           \
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20130501 Firefox/30.0 "   \
  "AppleWebKit/600.00 Chrome/30.0.0000.0 Trident/10.0 Safari/600.00\r\n"       \
  "Cookie: uid=12345678901234567890; "                                         \
  "__utma=1.1234567890.1234567890.1234567890.1234567890.12; wd=2560x1600\r\n"  \
  "Accept: "                                                                   \
  "text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/"       \
  "xml;q=0.8,*/*;q=0.7\r\n"                                                    \
  "Accept-Language: en-US,en;q=0.5\r\n"                                        \
  "Connection: keep-alive\r\n"                                                 \
  "\r\n"

#define BROWSER                                                                \
  "GET /articles/2026/11/event-loops-and-parsers?utm_source=feed&ref=home "    \
  "HTTP/1.1\r\n"                                                               \
  "Host: www.example.com\r\n"                                                  \
  "Connection: keep-alive\r\n"                                                 \
  "Cache-Control: max-age=0\r\n"                                               \
  "sec-ch-ua: \"Chromium\";v=\"142\", \"Google Chrome\";v=\"142\", "           \
  "\"Not_A Brand\";v=\"99\"\r\n"                                               \
  "sec-ch-ua-mobile: ?0\r\n"                                                   \
  "sec-ch-ua-platform: \"Linux\"\r\n"                                          \
  "Upgrade-Insecure-Requests: 1\r\n"                                           \
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, "    \
  "like Gecko) Chrome/142.0.0.0 Safari/537.36\r\n"                             \
  "Accept: "                                                                   \
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/"    \
  "webp,image/apng,*/*;q=0.8\r\n"                                              \
  "Sec-Fetch-Site: same-origin\r\n"                                            \
  "Sec-Fetch-Mode: navigate\r\n"                                               \
  "Sec-Fetch-User: ?1\r\n"                                                     \
  "Sec-Fetch-Dest: document\r\n"                                               \
  "Referer: https://www.example.com/articles/\r\n"                             \
  "Accept-Encoding: gzip, deflate, br, zstd\r\n"                               \
  "Accept-Language: en-GB,en-US;q=0.9,en;q=0.8,de;q=0.7\r\n"                   \
  "Cookie: session=4f9c2a7e1b8d4c6fa0e3; theme=dark; "                         \
  "consent=analytics%3Dno%26ads%3Dno; _ga=GA1.1.1234567890.1732500000\r\n"     \
  "If-None-Match: W/\"5e1f-19a7c3b2d40\"\r\n"                                  \
  "If-Modified-Since: Mon, 24 Nov 2026 18:02:11 GMT\r\n"                       \
  "Priority: u=0, i\r\n"                                                       \
  "\r\n"

#define WRK "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"

#define PIPELINE 16
#define ROUNDS 11
#define MAX_HEADERS 100

struct input {
  const char *name;
  char *data;
  size_t len;
  int requests, headers;
};

static volatile size_t sink;

/* parse_all parses every request of in once; it returns the fields seen, or
 * -1 if a request did not parse. */
static long parse_all(const struct input *in) {
  const char *buf = in->data;
  size_t left = in->len;
  long fields = 0;
  struct phr_header headers[MAX_HEADERS];
  while (left > 0) {
    const char *method, *path;
    size_t method_len, path_len, num_headers = MAX_HEADERS;
    int minor;
    int n = phr_parse_request(buf, left, &method, &method_len, &path,
                              &path_len, &minor, headers, &num_headers, 0);
    if (n <= 0)
      return -1;
    fields += (long)num_headers;
    sink += method_len + path_len + headers[num_headers - 1].value_len;
    buf += n;
    left -= (size_t)n;
  }
  return fields;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(void) {
  static char pipelined[PIPELINE * sizeof(TECHEMPOWER)];
  for (int i = 0; i < PIPELINE; i++)
    memcpy(pipelined + i * (sizeof(TECHEMPOWER) - 1), TECHEMPOWER,
           sizeof(TECHEMPOWER) - 1);
  static char wrk[PIPELINE * sizeof(WRK)];
  for (int i = 0; i < PIPELINE; i++)
    memcpy(wrk + i * (sizeof(WRK) - 1), WRK, sizeof(WRK) - 1);
  struct input inputs[] = {
      {"techempower", TECHEMPOWER, sizeof(TECHEMPOWER) - 1, 1, 6},
      {"browser20", BROWSER, sizeof(BROWSER) - 1, 1, 20},
      {"pipelined16", pipelined, PIPELINE * (sizeof(TECHEMPOWER) - 1),
       PIPELINE, 6},
      {"wrk16", wrk, PIPELINE * (sizeof(WRK) - 1), PIPELINE, 1},
  };
  for (size_t k = 0; k < sizeof(inputs) / sizeof(inputs[0]); k++) {
    const struct input *in = &inputs[k];
    /* the same sanity check as bench/codec's TestParsersAgree */
    if (parse_all(in) != (long)in->requests * in->headers) {
      fprintf(stderr, "%s: parse failed or field count wrong\n", in->name);
      return 1;
    }
    /* size a round to about 50 ms */
    long iters = 1000;
    for (;;) {
      double t0 = now_ns();
      for (long i = 0; i < iters; i++)
        parse_all(in);
      if (now_ns() - t0 > 5e6)
        break;
      iters *= 2;
    }
    iters *= 10;
    double ns[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      double t0 = now_ns();
      for (long i = 0; i < iters; i++)
        parse_all(in);
      ns[r] = (now_ns() - t0) / (double)iters;
    }
    qsort(ns, ROUNDS, sizeof(ns[0]), cmp);
    printf("%-12s %5zu B  median %7.1f ns/op  best %7.1f ns/op  %.2f GB/s\n",
           in->name, in->len, ns[ROUNDS / 2], ns[0], (double)in->len / ns[0]);
  }
  return 0;
}
