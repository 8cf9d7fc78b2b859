package engine

import (
	"slices"
	"strconv"
)

// Memory is bounded per connection (MaxInboundBytes, MaxOutboundBytes,
// BodyMemoryBytes) and across connections by MaxBufferedBytes. Each event
// loop keeps the sum of what its connections hold and enforces its share of
// the budget: after every batch, and whenever a connection's timer runs
// (every pollInterval while its output is on its way), which also corrects
// the sums for output the kernel has taken since (gnet says nothing when
// its outbound buffer drains).

// holding returns the bytes cn holds now: input received and not consumed,
// output not yet taken by the kernel, and a body being read into memory.
func (cn *conn) holding() int {
	n := cn.c.InboundBuffered() + cn.c.OutboundBuffered()
	if b := cn.body(); b != nil {
		n += cap(b.mem)
	}
	return n
}

// track records that cn now holds held bytes.
func (ws *workspace) track(cn *conn, held int) {
	ws.held += int64(held - cn.held)
	cn.held = held
}

// overBudget updates what cn holds and, when the loop is over its budget,
// cuts the connections holding the most. It reports whether cn itself is
// among them: the caller, in cn's OnTraffic, closes it by its answer.
func (ws *workspace) overBudget(cn *conn) bool {
	ws.track(cn, cn.holding())
	if ws.s.budget == 0 || ws.held <= ws.s.budget {
		return false
	}
	return ws.shed(cn)
}

// shed recounts every connection of the loop and, if the loop is still over
// its budget, closes the connections holding the most until the others fit
// in seven eighths of it; a body being read into memory is moved to its
// spool file instead. self, which may be nil, is the connection whose
// callback is running: it is not closed here, and shed reports whether it
// should be.
func (ws *workspace) shed(self *conn) bool {
	for _, cn := range ws.conns {
		ws.track(cn, cn.holding())
	}
	budget := ws.s.budget
	if budget == 0 || ws.held <= budget {
		return false
	}
	victims := append(ws.victims[:0], ws.conns...)
	slices.SortFunc(victims, func(a, b *conn) int { return b.held - a.held })
	goal := budget - budget/8
	cutSelf := false
	var cut, freed, selfHeld int64
	for _, cn := range victims {
		if ws.held-selfHeld <= goal || cn.held == 0 {
			break
		}
		if cn.spillBody() {
			continue
		}
		cut++
		freed += int64(cn.held)
		ws.stats.cutBudget.Add(1)
		if cn == self {
			cutSelf, selfHeld = true, int64(cn.held)
			continue
		}
		// OnClose runs at once and takes what cn held off ws.held.
		_ = ws.loop.Close(cn.c)
	}
	clear(victims)
	ws.victims = victims[:0]
	ws.s.budgetCuts.record(errBudget{cut: cut, freed: freed})
	return cutSelf
}

// spillBody moves a body being read into memory to its spool file, which
// frees the memory without cutting the upload. It reports whether it did.
func (cn *conn) spillBody() bool {
	b := cn.body()
	if b == nil || b.file != nil || cap(b.mem) == 0 {
		return false
	}
	if b.spill(cn.ws.s) != nil {
		return false
	}
	cn.ws.track(cn, cn.holding())
	return true
}

// errBudget describes one round of cuts, for the log.
type errBudget struct{ cut, freed int64 }

func (e errBudget) Error() string {
	return "cut " + strconv.FormatInt(e.cut, 10) + " connections holding " + strconv.FormatInt(e.freed, 10) + " bytes"
}
