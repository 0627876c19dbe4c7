package report

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"image/color"
	"math"
	"regexp"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// palette is the fixed set of target colours (Tableau 10). A target's
// colour is palette[Colour % len(palette)], Colour being the target's
// position among the sorted target names, so it is stable across plots,
// tables and runs with the same targets.
var palette = []color.NRGBA{
	{0x4e, 0x79, 0xa7, 0xff},
	{0xf2, 0x8e, 0x2b, 0xff},
	{0xe1, 0x57, 0x59, 0xff},
	{0x76, 0xb7, 0xb2, 0xff},
	{0x59, 0xa1, 0x4f, 0xff},
	{0xed, 0xc9, 0x48, 0xff},
	{0xb0, 0x7a, 0xa1, 0xff},
	{0xff, 0x9d, 0xa7, 0xff},
	{0x9c, 0x75, 0x5f, 0xff},
	{0xba, 0xb0, 0xac, 0xff},
}

func colourOf(i int) color.NRGBA { return palette[i%len(palette)] }

func hexColour(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// plotFont is the face used for every plot text. In the SVG its family is
// widened (see writeSVG) to metric-compatible system fonts, since the
// report embeds no fonts.
var plotFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot returns a plot with the report's fonts and a light grid.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(plotFont, 11)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(plotFont, 10)
		a.Tick.Label.Font = font.From(plotFont, 9)
		a.Color = color.Gray{0x66}
		a.Tick.Color = color.Gray{0x66}
	}
	p.Legend.TextStyle.Font = font.From(plotFont, 9)
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{0xe6}
	grid.Horizontal.Color = color.Gray{0xe6}
	grid.Vertical.Width = 0
	p.Add(grid)
	return p
}

// Matches the header vgsvg writes: prolog, comment, and the <svg> start tag.
var svgHeader = regexp.MustCompile(`(?s)\A<\?xml[^>]*\?>\s*(?:<!--.*?-->\s*)?<svg width="([^"]*)" height="([^"]*)" viewBox="([^"]*)"[^>]*>`)

// writeSVG renders p at w×h and returns the SVG ready to inline in HTML:
// the <?xml?> prolog and generator comment are stripped, the namespace
// declarations dropped (HTML's parser supplies them), the size made
// responsive, and the font family widened to metric-compatible system
// fonts. label becomes the image's accessible name.
//
// The result is inlined without escaping. That is safe because every
// string a plot draws (titles, target and suite names, legends) reaches
// the SVG through vgsvg's FillString, which escapes it with
// html.EscapeString, and label is escaped here; no other text enters.
func writeSVG(p *plot.Plot, w, h vg.Length, label string) (template.HTML, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("render svg: %w", err)
	}
	m := svgHeader.FindSubmatchIndex(buf.Bytes())
	if m == nil {
		return "", fmt.Errorf("render svg: unexpected header %.80q", buf.String())
	}
	s := buf.String()
	viewBox := s[m[6]:m[7]]
	body := s[m[1]:]
	body = strings.ReplaceAll(body, "font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	head := fmt.Sprintf(`<svg class="plot" viewBox="%s" width="%s" height="%s" role="img" aria-label="%s">`,
		viewBox, s[m[2]:m[3]], s[m[4]:m[5]], html.EscapeString(label))
	return template.HTML(head + body), nil
}

// Plots are the report's inlined SVG figures.
type plots struct {
	// Scores holds one plot per suite, in Data.Suites order ("" for a suite
	// without scores).
	Scores  []template.HTML
	Latency template.HTML
	TTFT    template.HTML // "" when no call was streamed
	Errors  template.HTML
	// More are the Pareto and trend plots (see morePlots).
	More morePlots
}

func renderPlots(d *Data) (*plots, error) {
	var ps plots
	for i := range d.Suites {
		svg, err := scorePlot(d, &d.Suites[i])
		if err != nil {
			return nil, fmt.Errorf("plot scores of suite %s: %w", d.Suites[i].Name, err)
		}
		ps.Scores = append(ps.Scores, svg)
	}
	var err error
	if ps.Latency, err = ecdfPlot(d, "Latency (successful calls)", func(t *TargetSummary) []time.Duration { return t.LatencySamples }); err != nil {
		return nil, fmt.Errorf("plot latency: %w", err)
	}
	if ps.TTFT, err = ecdfPlot(d, "Time to first token (streamed calls)", func(t *TargetSummary) []time.Duration { return t.TTFTSamples }); err != nil {
		return nil, fmt.Errorf("plot ttft: %w", err)
	}
	if ps.Errors, err = errorPlot(d); err != nil {
		return nil, fmt.Errorf("plot error rates: %w", err)
	}
	if ps.More, err = renderMorePlots(d); err != nil {
		return nil, err
	}
	return &ps, nil
}

// targetLabel is a target's name on a plot axis.
func targetLabel(t *TargetSummary) string {
	if t.Simulated {
		return t.Name + " (sim)"
	}
	return t.Name
}

// nominalAxis labels x = 0..n-1 with the target names, tilted when many.
func nominalAxis(p *plot.Plot, d *Data) {
	names := make([]string, len(d.Targets))
	for i := range d.Targets {
		names[i] = targetLabel(&d.Targets[i])
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
	if len(names) > 4 {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
}

func plotWidth(n int) vg.Length {
	return max(5*vg.Inch, vg.Length(n)*0.9*vg.Inch)
}

// scorePlot draws each target's score with its interval (at d.Level) as whiskers and
// the baseline's score as a dashed horizontal line.
func scorePlot(d *Data, s *SuiteSummary) (template.HTML, error) {
	scale, yLabel := 1.0, "mean "+s.Scorer
	if s.Binary {
		scale, yLabel = 100, "pass rate (%) · "+s.Scorer
	}
	p := newPlot(s.Name, "", yLabel)
	nominalAxis(p, d)
	p.Y.Min, p.Y.Max = 0, scale
	if !s.Binary {
		p.Y.Max = scoreAxisMax(s.Cells)
	}
	any := false
	for i := range s.Cells {
		c := &s.Cells[i]
		if c.Score.N == 0 {
			continue
		}
		any = true
		col := colourOf(d.Targets[i].Colour)
		pt := errPoints{{x: float64(i), y: scale * c.Score.Centre, lo: scale * (c.Score.Centre - c.Score.Lo), hi: scale * (c.Score.Hi - c.Score.Centre)}}
		bars, err := plotter.NewYErrorBars(pt)
		if err != nil {
			return "", err
		}
		bars.Color, bars.Width, bars.CapWidth = col, vg.Points(1.5), vg.Points(8)
		sc, err := plotter.NewScatter(pt)
		if err != nil {
			return "", err
		}
		sc.Color, sc.Shape, sc.Radius = col, draw.CircleGlyph{}, vg.Points(4)
		p.Add(bars, sc)
		if c.Baseline {
			ref, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: scale * c.Score.Centre}, {X: p.X.Max, Y: scale * c.Score.Centre}})
			if err != nil {
				return "", err
			}
			ref.Color, ref.Width, ref.Dashes = color.Gray{0x55}, vg.Points(1), []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(ref)
		}
	}
	if !any {
		return "", nil
	}
	return writeSVG(p, plotWidth(len(d.Targets)), 3*vg.Inch, "Score per target with "+levelText(d.Level)+" intervals, suite "+s.Name)
}

// errPoints are points with asymmetric Y errors, for plotter.YErrorBars.
type errPoints []struct{ x, y, lo, hi float64 }

func (e errPoints) Len() int                        { return len(e) }
func (e errPoints) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errPoints) YError(i int) (float64, float64) { return e[i].lo, e[i].hi }

// ecdfPoints is the most points an ECDF line gets; larger samples are
// thinned to evenly spaced ranks (always keeping the maximum).
const ecdfPoints = 200

// ecdf returns the empirical CDF of sorted as step points (x in seconds,
// F(x) = rank/n), thinned to at most ecdfPoints ranks.
func ecdf(sorted []time.Duration) plotter.XYs {
	n := len(sorted)
	k := min(n, ecdfPoints)
	xys := make(plotter.XYs, 0, k+1)
	xys = append(xys, plotter.XY{X: sorted[0].Seconds(), Y: 0})
	for j := 1; j <= k; j++ {
		r := int(math.Ceil(float64(j) * float64(n) / float64(k))) // 1-based rank
		xys = append(xys, plotter.XY{X: sorted[r-1].Seconds(), Y: float64(r) / float64(n)})
	}
	return xys
}

// ecdfPlot draws one ECDF line per target with samples ("" when none has).
func ecdfPlot(d *Data, title string, samples func(*TargetSummary) []time.Duration) (template.HTML, error) {
	p := newPlot(title, "seconds", "fraction of calls ≤ x")
	p.Y.Min, p.Y.Max = 0, 1
	// A log scale when the targets' speeds differ by more than 20×, so a
	// fast target's curve is not squashed against the axis.
	lo, hi := time.Duration(math.MaxInt64), time.Duration(0)
	for i := range d.Targets {
		if xs := samples(&d.Targets[i]); len(xs) > 0 {
			lo, hi = min(lo, xs[0]), max(hi, xs[len(xs)-1])
		}
	}
	if lo > 0 && hi > 20*lo {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.X.Label.Text = "seconds (log scale)"
		p.X.Min, p.X.Max = lo.Seconds()*0.9, hi.Seconds()*1.1
	} else {
		p.X.Min = 0
	}
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(4), vg.Points(4)
	p.Legend.Padding = vg.Points(2)
	any := false
	for i := range d.Targets {
		t := &d.Targets[i]
		xs := samples(t)
		if len(xs) == 0 {
			continue
		}
		any = true
		l, err := plotter.NewLine(ecdf(xs))
		if err != nil {
			return "", err
		}
		l.StepStyle = plotter.PostStep
		l.Color, l.Width = colourOf(t.Colour), vg.Points(1.75)
		p.Add(l)
		p.Legend.Add(targetLabel(t), l)
	}
	if !any {
		return "", nil
	}
	return writeSVG(p, 6*vg.Inch, 3.25*vg.Inch, title+", empirical CDF per target")
}

// errorPlot draws per target a solid bar for the error rate and a light bar
// for the refusal rate, in percent of calls ("" when there were no calls).
func errorPlot(d *Data) (template.HTML, error) {
	calls := 0
	for i := range d.Targets {
		calls += d.Targets[i].N
	}
	if calls == 0 {
		return "", nil
	}
	p := newPlot("Errors and refusals", "", "% of calls")
	nominalAxis(p, d)
	p.Y.Min = 0
	top := 1.0
	width := vg.Points(14)
	for i := range d.Targets {
		t := &d.Targets[i]
		col := colourOf(t.Colour)
		light := col
		light.A = 0x66
		for j, v := range []float64{100 * t.ErrorRate(), 100 * t.RefusalRate()} {
			top = max(top, v)
			b, err := plotter.NewBarChart(plotter.Values{v}, width)
			if err != nil {
				return "", err
			}
			b.XMin = float64(i)
			b.Offset = width * vg.Length(float64(j)-0.5)
			b.LineStyle.Width = vg.Points(0.75)
			b.LineStyle.Color = col
			if j == 0 {
				b.Color = col
			} else {
				b.Color = light
			}
			p.Add(b)
		}
	}
	p.Y.Max = top * 1.1
	return writeSVG(p, plotWidth(len(d.Targets)), 2.75*vg.Inch, "Error and refusal rate per target")
}

// scoreAxisMax picks the top of a mean-score axis from the scale the
// scores live on: ROUGE and most scorers are in [0,1], CIDEr-D in [0,10],
// BLEU and chrF on sacreBLEU's 0–100 (a fixed 0–1 axis would draw them off
// the chart). A judge's 1–10 rubric score lands on the 0–10 axis.
func scoreAxisMax(cells []Cell) float64 {
	hi := 0.0
	for _, c := range cells {
		if c.Score.N > 0 {
			hi = max(hi, c.Score.Hi, c.Score.Centre)
		}
	}
	for _, top := range []float64{1, 10, 100} {
		if hi <= top {
			return top
		}
	}
	return hi * 1.05
}
