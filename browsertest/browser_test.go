//go:build browser

package browsertest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastbase/fastbase/engine"
	"github.com/fastbase/fastbase/handler/examples"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumFlags make Chromium start headless in a container, as root,
// without reaching the network.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
}

// TestBrowserUpload opens the form handler's page in headless Chromium,
// types into its text field, attaches a file, submits, and checks the page
// the server answers: the fields in the order posted and the file's exact
// size. The second file is bigger than the memory a server keeps for a
// body, so the server spools it.
func TestBrowserUpload(t *testing.T) {
	browser := findChromium(t)
	base := startServer(t)
	page := openPage(t, browser)
	for _, size := range []int{300 << 10, 3 << 20} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			// Random bytes with runs that look like delimiters, so that the
			// parser has something to skip.
			upload := filepath.Join(t.TempDir(), "upload.bin")
			content := make([]byte, size)
			_, _ = rand.Read(content)
			for i := 0; i+16 < len(content); i += 4099 {
				copy(content[i:], "\r\n--\r\n\r\n--")
			}
			require.NoError(t, os.WriteFile(upload, content, 0o600))

			page.navigate(t, base+"/form?via=chromium")
			require.Equal(t, "fastbase: post a form", page.eval(t, "document.title"))
			page.eval(t, `document.getElementById('name').value = 'Doug Hellmann é'`)
			page.setFile(t, "#datafile", upload)
			page.clearEvents()
			page.eval(t, `document.getElementById('submit').click()`)
			page.waitEvent(t, "Page.loadEventFired")

			text := page.eval(t, "document.body.innerText")
			t.Logf("echoed page:\n%s", text)
			assert.Regexp(t, regexp.MustCompile(`^Client: \('127\.0\.0\.1', \d+\)\n`), text)
			assert.Contains(t, text, "\nPath: /form?via=chromium\nForm data:\n"+
				"\tname=Doug Hellmann é\n"+
				"\tUploaded datafile ("+fmt.Sprint(len(content))+" bytes)\n")
		})
	}
}

func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not found: install Debian's chromium package (apt-get install -y chromium) to run the browser test")
	return ""
}

// startServer serves the form handler on a free port of 127.0.0.1.
func startServer(t *testing.T) string {
	srv := &engine.Server{Addr: "127.0.0.1:0", Handler: examples.Form(), Loops: 1}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case <-srv.Ready():
	case err := <-done:
		t.Fatalf("server: %v", err)
	}
	return "http://" + srv.ListenAddr().String()
}

// page is one Chromium tab driven over the DevTools protocol.
type page struct {
	ws     *wsConn
	nextID int
	events []string // methods of the events received and not yet waited for
}

// openPage starts Chromium and attaches to its first tab. The browser is
// killed when the test ends.
func openPage(t *testing.T, browser string) *page {
	profile := t.TempDir()
	cmd := exec.Command(browser, append(chromiumFlags, "--user-data-dir="+profile, "about:blank")...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	// Chromium prints "DevTools listening on ws://127.0.0.1:PORT/..." once
	// it accepts connections; the rest of its stderr is only logged.
	found := make(chan string, 1)
	var logMu sync.Mutex
	var log bytes.Buffer
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			log.WriteString(line + "\n")
			logMu.Unlock()
			if rest, ok := strings.CutPrefix(line, "DevTools listening on "); ok {
				found <- rest
			}
		}
	}()
	var browserURL string
	select {
	case browserURL = <-found:
	case <-time.After(30 * time.Second):
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("chromium did not start its DevTools server:\n%s", log.String())
	}
	u, err := url.Parse(browserURL)
	require.NoError(t, err)

	target := pageTarget(t, "http://"+u.Host+"/json/list")
	ws, err := dialWebSocket(target)
	require.NoError(t, err)
	t.Cleanup(func() { ws.close() })
	p := &page{ws: ws}
	p.call(t, "Page.enable", nil)
	p.call(t, "Runtime.enable", nil)
	return p
}

// pageTarget returns the WebSocket URL of Chromium's first tab.
func pageTarget(t *testing.T, listURL string) string {
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(listURL)
		if err == nil {
			var targets []struct{ Type, WebSocketDebuggerURL string }
			err = json.NewDecoder(resp.Body).Decode(&targets)
			resp.Body.Close()
			for _, tg := range targets {
				if tg.Type == "page" && tg.WebSocketDebuggerURL != "" {
					return tg.WebSocketDebuggerURL
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no page target at %s: %v", listURL, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// message is a DevTools protocol message: a reply (ID) or an event (Method).
type message struct {
	ID     int             `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// call sends a command and returns its result, keeping the events that
// arrive meanwhile.
func (p *page) call(t *testing.T, method string, params any) json.RawMessage {
	t.Helper()
	p.nextID++
	id := p.nextID
	req, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	require.NoError(t, err)
	require.NoError(t, p.ws.writeText(req))
	for {
		m := p.read(t)
		if m.ID != id {
			continue
		}
		if m.Error != nil {
			t.Fatalf("%s: %s", method, m.Error.Message)
		}
		return m.Result
	}
}

func (p *page) read(t *testing.T) message {
	t.Helper()
	_ = p.ws.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	raw, err := p.ws.readMessage()
	require.NoError(t, err)
	var m message
	require.NoError(t, json.Unmarshal(raw, &m))
	if m.Method != "" {
		p.events = append(p.events, m.Method)
	}
	return m
}

func (p *page) clearEvents() { p.events = p.events[:0] }

// waitEvent waits for an event with the given method, received since the
// last clearEvents.
func (p *page) waitEvent(t *testing.T, method string) {
	t.Helper()
	for {
		for i, e := range p.events {
			if e == method {
				p.events = append(p.events[:0], p.events[i+1:]...)
				return
			}
		}
		p.read(t)
	}
}

func (p *page) navigate(t *testing.T, u string) {
	t.Helper()
	p.clearEvents()
	p.call(t, "Page.navigate", map[string]any{"url": u})
	p.waitEvent(t, "Page.loadEventFired")
}

// eval runs a JavaScript expression in the page and returns its value as
// text.
func (p *page) eval(t *testing.T, expr string) string {
	t.Helper()
	raw := p.call(t, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true})
	var r struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
		ExceptionDetails any `json:"exceptionDetails"`
	}
	require.NoError(t, json.Unmarshal(raw, &r))
	require.Nil(t, r.ExceptionDetails, "%s", expr)
	if s, ok := r.Result.Value.(string); ok {
		return s
	}
	return fmt.Sprint(r.Result.Value)
}

// setFile attaches a file to the file input that selector finds, as a user
// picking it would.
func (p *page) setFile(t *testing.T, selector, path string) {
	t.Helper()
	var doc struct {
		Root struct {
			NodeID int `json:"nodeId"`
		} `json:"root"`
	}
	require.NoError(t, json.Unmarshal(p.call(t, "DOM.getDocument", map[string]any{"depth": 0}), &doc))
	var node struct {
		NodeID int `json:"nodeId"`
	}
	require.NoError(t, json.Unmarshal(p.call(t, "DOM.querySelector",
		map[string]any{"nodeId": doc.Root.NodeID, "selector": selector}), &node))
	require.NotZero(t, node.NodeID, "no element %s", selector)
	p.call(t, "DOM.setFileInputFiles", map[string]any{"nodeId": node.NodeID, "files": []string{path}})
}

// wsConn is the client side of a WebSocket connection (RFC 6455), enough
// for the DevTools protocol: text messages, fragmented or not, and pings.
type wsConn struct {
	conn net.Conn
	r    *bufio.Reader
}

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

func dialWebSocket(rawURL string) (*wsConn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	conn, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	if err != nil {
		return nil, err
	}
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", u.RequestURI(), u.Host, key)
	if err != nil {
		conn.Close()
		return nil, err
	}
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	sum := sha1.Sum([]byte(key + wsGUID))
	if resp.StatusCode != http.StatusSwitchingProtocols ||
		resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		conn.Close()
		return nil, fmt.Errorf("websocket handshake refused: %s", resp.Status)
	}
	return &wsConn{conn: conn, r: r}, nil
}

// writeFrame sends one whole frame; a client masks every frame it sends.
func (w *wsConn) writeFrame(opcode byte, payload []byte) error {
	head := []byte{0x80 | opcode}
	switch n := len(payload); {
	case n < 126:
		head = append(head, 0x80|byte(n))
	case n <= 0xffff:
		head = append(head, 0x80|126)
		head = binary.BigEndian.AppendUint16(head, uint16(n))
	default:
		head = append(head, 0x80|127)
		head = binary.BigEndian.AppendUint64(head, uint64(n))
	}
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	head = append(head, mask[:]...)
	masked := make([]byte, len(payload))
	for i, c := range payload {
		masked[i] = c ^ mask[i%4]
	}
	_, err := w.conn.Write(append(head, masked...))
	return err
}

func (w *wsConn) writeText(p []byte) error { return w.writeFrame(0x1, p) }

// readMessage returns the next text or binary message, answering pings.
func (w *wsConn) readMessage() ([]byte, error) {
	var msg []byte
	for {
		var h [2]byte
		if _, err := io.ReadFull(w.r, h[:]); err != nil {
			return nil, err
		}
		fin, opcode := h[0]&0x80 != 0, h[0]&0x0f
		n := uint64(h[1] & 0x7f)
		switch n {
		case 126:
			var b [2]byte
			if _, err := io.ReadFull(w.r, b[:]); err != nil {
				return nil, err
			}
			n = uint64(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			if _, err := io.ReadFull(w.r, b[:]); err != nil {
				return nil, err
			}
			n = binary.BigEndian.Uint64(b[:])
		}
		var mask [4]byte
		if h[1]&0x80 != 0 {
			if _, err := io.ReadFull(w.r, mask[:]); err != nil {
				return nil, err
			}
		}
		if n > 64<<20 {
			return nil, fmt.Errorf("websocket frame of %d bytes", n)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(w.r, payload); err != nil {
			return nil, err
		}
		if h[1]&0x80 != 0 {
			for i := range payload {
				payload[i] ^= mask[i%4]
			}
		}
		switch opcode {
		case 0x8:
			return nil, errors.New("websocket closed by the browser")
		case 0x9:
			if err := w.writeFrame(0xA, payload); err != nil {
				return nil, err
			}
			continue
		case 0xA:
			continue
		}
		msg = append(msg, payload...)
		if fin {
			return msg, nil
		}
	}
}

func (w *wsConn) close() {
	_ = w.writeFrame(0x8, nil)
	_ = w.conn.Close()
}
