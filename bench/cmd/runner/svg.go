package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// serverColours keeps each server's colour the same in every panel.
var serverColours = map[string]string{
	"fastbase": "#d62728",
	"gnetraw":  "#7f7f7f",
	"fasthttp": "#1f77b4",
	"nbhttp":   "#2ca02c",
	"nethttp":  "#9467bd",
}

// svg draws efficiency per scenario and server: one panel per load scenario,
// each with its own scale (pipelined is ten times keep-alive), a bar per
// server at the median and a whisker from min to max.
func (r *results) svg() string {
	const (
		width   = 760
		left    = 100 // server names
		right   = 110 // value labels
		barH    = 18
		gap     = 8
		titleH  = 34
		panelSp = 18
	)
	var panels []string
	for _, sc := range loadScenarios {
		if r.ran(sc.name) {
			panels = append(panels, sc.name)
		}
	}
	panelH := titleH + len(r.Servers)*(barH+gap)
	height := 60 + len(panels)*(panelH+panelSp)

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="10" y="22" font-size="15" font-weight="bold">Requests per server-CPU-second</text>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="40" fill="#555">median bar, min–max whisker over each server's measured runs; server on one core, GOMAXPROCS=1; higher is better</text>`+"\n")
	y := 60
	for _, scName := range panels {
		label := scName
		for _, sc := range loadScenarios {
			if sc.name == scName {
				label = sc.label
			}
		}
		top := 0.0
		for _, srv := range r.Servers {
			top = math.Max(top, r.stat(scName, srv, efficiency).max)
		}
		scale := niceCeil(top)
		plotW := float64(width - left - right)
		x := func(v float64) float64 { return float64(left) + plotW*v/scale }

		fmt.Fprintf(&b, `<text x="10" y="%d" font-size="13" font-weight="bold">%s</text>`+"\n", y+14, html.EscapeString(label))
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#666" text-anchor="end">scale 0–%s</text>`+"\n", width-right, y+14, count(scale))
		by := y + titleH - 10
		for _, srv := range r.Servers {
			st := r.stat(scName, srv, efficiency)
			colour := serverColours[srv]
			if colour == "" {
				colour = "#444444"
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", left-8, by+barH-4, html.EscapeString(srv))
			if st.n == 0 {
				fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#999">no data</text>`+"\n", left+4, by+barH-4)
				by += barH + gap
				continue
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", left, by, x(st.med)-float64(left), barH, colour)
			mid := float64(by) + barH/2
			fmt.Fprintf(&b, `<path d="M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f" stroke="#000" stroke-width="1.2" fill="none"/>`+"\n",
				x(st.min), mid, x(st.max), x(st.min), mid-4, mid+4, x(st.max), mid-4, mid+4)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", x(st.max)+6, by+barH-4, count(st.med))
			by += barH + gap
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#bbb"/>`+"\n", left, y+titleH-14, left, by-gap+4)
		y += panelH + panelSp
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
