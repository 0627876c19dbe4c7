package report

import (
	"fmt"
	"html/template"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/llmbench/llmbench/bench"
)

// Front marks a (suite, target) cell on the suite's Pareto fronts: quality
// (the suite's primary score, higher is better) against cost (lower is
// better) and against median latency (lower is better).
//
// Each suite has its own fronts, on its own primary score: scores of
// different scorers (a pass rate, a ROUGE mean, a 1–10 judge score) share
// no unit, so no front is drawn over a mean across suites.
type Front struct {
	// Cost is true when the cell is on the quality-vs-cost front, costs
	// compared in CostSummary.Currency (false when the target has no
	// price, or the costs share no currency). The cost is the cell's
	// Cost.ListAmount: every answer priced, cached ones included, so an
	// answer the cache served does not make a target look cheaper. Fronts
	// are marked only where at least two targets can be compared.
	Cost bool
	// Latency is true when the cell is on the quality-vs-latency front,
	// latency being the p50 of the cell's successful calls made in this
	// run (Calls.Latency: cached answers are not timed).
	Latency bool
}

// ParetoFront reports for each point (xs[i], ys[i]), where a lower x and a
// higher y are better, whether it is on the Pareto front: no other point
// is at least as good on both axes and strictly better on one. Points
// with equal coordinates dominate neither each other, so both are on the
// front when nothing else dominates them. xs and ys have the same length.
func ParetoFront(xs, ys []float64) []bool {
	on := make([]bool, len(xs))
	for i := range xs {
		on[i] = true
		for j := range xs {
			if j == i {
				continue
			}
			if xs[j] <= xs[i] && ys[j] >= ys[i] && (xs[j] < xs[i] || ys[j] > ys[i]) {
				on[i] = false
				break
			}
		}
	}
	return on
}

// paretoPoint is one target of one suite on one quality-vs-x plot.
type paretoPoint struct {
	target int // index in Data.Targets
	x, y   float64
}

// paretoPoints lists the cells of suite s of d with a score and a value on
// the x axis: list cost in CostSummary.Currency (axis "cost") or p50
// latency in seconds.
func paretoPoints(d *Data, s *SuiteSummary, axis string) []paretoPoint {
	cur := ""
	var ex *bench.Exchange
	if d.Cost != nil {
		cur, ex = d.Cost.Currency, d.Cost.Exchange
	}
	var pts []paretoPoint
	for i := range s.Cells {
		c := &s.Cells[i]
		if c.NotRun || c.Score.N == 0 {
			continue
		}
		var x float64
		switch axis {
		case "cost":
			v, ok := c.Cost.listIn(cur, ex)
			if cur == "" || !ok {
				continue
			}
			x = v
		default:
			if c.Latency.N == 0 {
				continue
			}
			x = c.Latency.P50.Seconds()
		}
		pts = append(pts, paretoPoint{target: i, x: x, y: c.Score.Centre})
	}
	return pts
}

// markFronts sets every cell's Front, suite by suite.
func markFronts(d *Data) {
	for si := range d.Suites {
		s := &d.Suites[si]
		for _, axis := range []string{"cost", "latency"} {
			pts := paretoPoints(d, s, axis)
			if len(pts) < 2 {
				// One point is trivially on its own front: no mark.
				continue
			}
			xs, ys := make([]float64, len(pts)), make([]float64, len(pts))
			for i, p := range pts {
				xs[i], ys[i] = p.x, p.y
			}
			for i, on := range ParetoFront(xs, ys) {
				c := &s.Cells[pts[i].target]
				if axis == "cost" {
					c.Front.Cost = on
				} else {
					c.Front.Latency = on
				}
			}
		}
	}
}

// ParetoPlots are one suite's quality-vs-cost and quality-vs-latency
// scatter plots ("" when fewer than two targets have both figures).
type ParetoPlots struct {
	Cost, Latency template.HTML
	// Unpriced names the suite's targets left off the cost plot: no
	// price, or no currency to compare it in.
	Unpriced []string
}

// paretoPlots draws the two plots of suite s.
func paretoPlots(d *Data, s *SuiteSummary) (ParetoPlots, error) {
	var pp ParetoPlots
	cur := ""
	if d.Cost != nil {
		cur = d.Cost.Currency
	}
	costPts := paretoPoints(d, s, "cost")
	in := map[int]bool{}
	for _, p := range costPts {
		in[p.target] = true
	}
	for i := range s.Cells {
		if c := &s.Cells[i]; !c.NotRun && c.Score.N > 0 && !in[i] {
			pp.Unpriced = append(pp.Unpriced, c.Target)
		}
	}
	var err error
	xLabel := "cost of the suite's calls"
	if cur == bench.CNY {
		xLabel += " (CNY)"
	} else {
		xLabel += " (USD)"
	}
	if pp.Cost, err = paretoPlot(d, s, costPts, xLabel, func(c *Cell) bool { return c.Front.Cost }, "Quality vs cost"); err != nil {
		return pp, fmt.Errorf("quality vs cost: %w", err)
	}
	if pp.Latency, err = paretoPlot(d, s, paretoPoints(d, s, "latency"), "p50 latency (seconds)", func(c *Cell) bool { return c.Front.Latency }, "Quality vs latency"); err != nil {
		return pp, fmt.Errorf("quality vs latency: %w", err)
	}
	return pp, nil
}

// paretoPlot draws one point per target in its colour, rings the points on
// the front and joins them with a dashed staircase: the best score
// reachable at each x.
func paretoPlot(d *Data, s *SuiteSummary, pts []paretoPoint, xLabel string, onFront func(*Cell) bool, title string) (template.HTML, error) {
	if len(pts) < 2 {
		return "", nil
	}
	scale, yLabel := 1.0, "mean "+s.Scorer
	if s.Binary {
		scale, yLabel = 100, "pass rate (%) · "+s.Scorer
	}
	p := newPlot(title+" · "+s.Name, xLabel, yLabel)
	p.X.Min = 0
	p.Y.Min, p.Y.Max = 0, scale
	if !s.Binary {
		p.Y.Max = scoreAxisMax(s.Cells)
	}
	// No legend (it would cover points): each point is labelled with its
	// target, on the side with room.
	hi := 0.0
	for _, pt := range pts {
		hi = max(hi, pt.x)
	}
	var front plotter.XYs
	ring := func() (*plotter.Scatter, error) {
		r, err := plotter.NewScatter(plotter.XYs{})
		if err != nil {
			return nil, err
		}
		r.Shape, r.Radius, r.Color = draw.RingGlyph{}, vg.Points(7), color.Gray{0x33}
		return r, nil
	}
	for _, pt := range pts {
		t := &d.Targets[pt.target]
		xy := plotter.XYs{{X: pt.x, Y: scale * pt.y}}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return "", err
		}
		sc.Color, sc.Shape, sc.Radius = colourOf(t.Colour), draw.CircleGlyph{}, vg.Points(4.5)
		p.Add(sc)
		if err := labelPoint(p, xy[0], targetLabel(t), pt.x > 0.6*hi); err != nil {
			return "", err
		}
		if onFront(&s.Cells[pt.target]) {
			front = append(front, xy[0])
		}
	}
	slices.SortFunc(front, func(a, b plotter.XY) int {
		if a.X != b.X {
			if a.X < b.X {
				return -1
			}
			return 1
		}
		switch {
		case a.Y < b.Y:
			return -1
		case a.Y > b.Y:
			return 1
		}
		return 0
	})
	if len(front) > 0 {
		r, err := ring()
		if err != nil {
			return "", err
		}
		r.XYs = front
		p.Add(r)
	}
	if len(front) > 1 {
		l, err := plotter.NewLine(front)
		if err != nil {
			return "", err
		}
		l.StepStyle = plotter.PostStep
		l.Color, l.Width, l.Dashes = color.Gray{0x55}, vg.Points(1), []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
	}
	return writeSVG(p, 5.5*vg.Inch, 3.25*vg.Inch, title+" per target with the Pareto front, suite "+s.Name)
}

// labelPoint writes text beside the point at xy, above it and to its right
// (left when left is set), in the plot font.
func labelPoint(p *plot.Plot, xy plotter.XY, text string, left bool) error {
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{xy}, Labels: []string{text}})
	if err != nil {
		return err
	}
	st := &l.TextStyle[0]
	st.Font = font.From(plotFont, 8)
	st.Color = color.Gray{0x33}
	st.YAlign = draw.YBottom
	l.Offset = vg.Point{X: vg.Points(5), Y: vg.Points(3)}
	if left {
		st.XAlign = draw.XRight
		l.Offset.X = -vg.Points(5)
	}
	p.Add(l)
	return nil
}
