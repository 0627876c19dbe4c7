package report

import (
	"fmt"
	"html/template"
	"image/color"
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// morePlots are the figures that need costs or history: per suite the
// Pareto plots and the score trend, and the latency trend.
type morePlots struct {
	// Pareto and Trend hold one entry per Data.Suites.
	Pareto []ParetoPlots
	Trend  []template.HTML
	// TrendLatency is "" without a trend.
	TrendLatency template.HTML
}

func renderMorePlots(d *Data) (morePlots, error) {
	var m morePlots
	for i := range d.Suites {
		s := &d.Suites[i]
		pp, err := paretoPlots(d, s)
		if err != nil {
			return m, fmt.Errorf("plot suite %s: %w", s.Name, err)
		}
		m.Pareto = append(m.Pareto, pp)
		var tp template.HTML
		if d.Trend != nil {
			if tp, err = trendScorePlot(d, i); err != nil {
				return m, fmt.Errorf("plot trend of suite %s: %w", s.Name, err)
			}
		}
		m.Trend = append(m.Trend, tp)
	}
	if d.Trend != nil {
		var err error
		if m.TrendLatency, err = trendLatencyPlot(d); err != nil {
			return m, fmt.Errorf("plot latency trend: %w", err)
		}
	}
	return m, nil
}

// runLabel is a run on a trend's x axis: its start, to the minute, UTC.
func runLabel(i int, t *Trend) string {
	r := t.Runs[i]
	if r.Started.IsZero() {
		return fmt.Sprintf("run %d", i+1)
	}
	return r.Started.UTC().Format("01-02 15:04")
}

// trendAxis labels x = 0..n-1 with the runs' start times.
func trendAxis(p *plot.Plot, t *Trend) {
	names := make([]string, len(t.Runs))
	for i := range t.Runs {
		names[i] = runLabel(i, t)
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.4, float64(len(names))-0.6
	if len(names) > 6 {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	p.X.Label.Text = "run (start, UTC)"
}

// addSeries draws one target's values per run as a line through the runs
// it has a value in (a gap where it has none) with a dot at each, and its
// label at the last dot (no legend: it would cover lines).
func addSeries(p *plot.Plot, label string, col color.Color, ys []float64, ok []bool) error {
	var seg plotter.XYs
	var dots plotter.XYs
	flush := func() error {
		if len(seg) > 1 {
			l, err := plotter.NewLine(seg)
			if err != nil {
				return err
			}
			l.Color, l.Width = col, vg.Points(1.5)
			p.Add(l)
		}
		seg = nil
		return nil
	}
	for i, y := range ys {
		if !ok[i] {
			if err := flush(); err != nil {
				return err
			}
			continue
		}
		seg = append(seg, plotter.XY{X: float64(i), Y: y})
		dots = append(dots, plotter.XY{X: float64(i), Y: y})
	}
	if err := flush(); err != nil {
		return err
	}
	if len(dots) == 0 {
		return nil
	}
	sc, err := plotter.NewScatter(dots)
	if err != nil {
		return err
	}
	sc.Color, sc.Shape, sc.Radius = col, draw.CircleGlyph{}, vg.Points(3)
	p.Add(sc)
	last := dots[len(dots)-1]
	return labelPoint(p, last, label, last.X > 0)
}

// dropColour marks significant drops.
var dropColour = color.NRGBA{0xc6, 0x28, 0x28, 0xff}

// trendScorePlot draws suite si's primary score per target across the
// trend's runs, with a red ring on each point whose paired comparison
// with the run before is a significant drop.
func trendScorePlot(d *Data, si int) (template.HTML, error) {
	tr := d.Trend
	st := &tr.Suites[si]
	scale, yLabel := 1.0, "mean "+st.Scorer
	if st.Binary {
		scale, yLabel = 100, "pass rate (%) · "+st.Scorer
	}
	p := newPlot("Trend · "+st.Suite, "", yLabel)
	trendAxis(p, tr)
	p.Y.Min, p.Y.Max = 0, scale
	drawn := false
	var drops plotter.XYs
	top := 0.0
	for ti, pts := range st.Points {
		ys, ok := make([]float64, len(pts)), make([]bool, len(pts))
		for k, pt := range pts {
			if pt.Present {
				ys[k], ok[k] = scale*pt.Score, true
				top = max(top, pt.Score)
				drawn = true
				if pt.Change != nil && pt.Change.Drop {
					drops = append(drops, plotter.XY{X: float64(k), Y: ys[k]})
				}
			}
		}
		t := &d.Targets[ti]
		if err := addSeries(p, targetLabel(t), colourOf(t.Colour), ys, ok); err != nil {
			return "", err
		}
	}
	if !drawn {
		return "", nil
	}
	if !st.Binary {
		// The axis follows the scorer's scale, as in the score plots.
		p.Y.Max = scoreAxisMax([]Cell{{Score: Interval{Centre: top, Hi: top, N: 1}}})
	}
	if len(drops) > 0 {
		r, err := plotter.NewScatter(drops)
		if err != nil {
			return "", err
		}
		r.Shape, r.Radius, r.Color = draw.RingGlyph{}, vg.Points(7), dropColour
		p.Add(r)
	}
	return writeSVG(p, plotWidth(len(tr.Runs)), 3*vg.Inch, "Score per target across runs of this config, suite "+st.Suite)
}

// trendLatencyPlot draws each target's p50 latency (all suites) across the
// trend's runs.
func trendLatencyPlot(d *Data) (template.HTML, error) {
	tr := d.Trend
	p := newPlot("Trend · p50 latency (all suites)", "", "seconds")
	trendAxis(p, tr)
	p.Y.Min = 0
	drawn := false
	for ti, l := range tr.Latency {
		ys, ok := make([]float64, len(l)), make([]bool, len(l))
		for k, v := range l {
			if v > 0 {
				ys[k], ok[k] = v.Seconds(), true
				drawn = true
			}
		}
		t := &d.Targets[ti]
		if err := addSeries(p, targetLabel(t), colourOf(t.Colour), ys, ok); err != nil {
			return "", err
		}
	}
	if !drawn {
		return "", nil
	}
	return writeSVG(p, plotWidth(len(tr.Runs)), 3*vg.Inch, "Median latency per target across runs of this config")
}

// trendRunText is a run in the trend table: "01-02 15:04 run-0001".
func trendRunText(r time.Time) string {
	if r.IsZero() {
		return "—"
	}
	return r.UTC().Format("2006-01-02 15:04")
}
