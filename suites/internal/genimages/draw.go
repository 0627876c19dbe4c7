package main

import (
	"image"
	"image/draw"
	"strconv"

	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// rng is splitmix64: a fixed, documented sequence, so images never change
// with the Go version.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func canvas(w, h int, bg uint8) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, w, h), palette)
	draw.Draw(img, img.Bounds(), &image.Uniform{palette[bg]}, image.Point{}, draw.Src)
	return img
}

func fillRect(img *image.Paletted, r image.Rectangle, c uint8) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetColorIndex(x, y, c)
		}
	}
}

// drawShapes scatters the groups' shapes over a grid of cells, one shape
// per cell, so no two overlap.
func drawShapes(seed uint64, groups []group) *image.Paletted {
	const cols, rows, cell = 8, 6, 40
	img := canvas(cols*cell, rows*cell, white)
	r := rng(seed)
	cells := make([]int, cols*rows)
	for i := range cells {
		cells[i] = i
	}
	for i := len(cells) - 1; i > 0; i-- { // Fisher–Yates
		j := r.intn(i + 1)
		cells[i], cells[j] = cells[j], cells[i]
	}
	k := 0
	for _, g := range groups {
		for range g.n {
			c := cells[k]
			k++
			cx := (c%cols)*cell + cell/2 + r.intn(7) - 3
			cy := (c/cols)*cell + cell/2 + r.intn(7) - 3
			switch g.shape {
			case "circle":
				drawCircle(img, cx, cy, 14, g.color)
			case "square":
				fillRect(img, image.Rect(cx-13, cy-13, cx+13, cy+13), g.color)
			case "triangle":
				drawTriangle(img, cx, cy, 15, g.color)
			default:
				panic("unknown shape " + g.shape)
			}
		}
	}
	return img
}

func drawCircle(img *image.Paletted, cx, cy, rad int, c uint8) {
	for y := cy - rad; y <= cy+rad; y++ {
		for x := cx - rad; x <= cx+rad; x++ {
			dx, dy := x-cx, y-cy
			if dx*dx+dy*dy <= rad*rad {
				img.SetColorIndex(x, y, c)
			}
		}
	}
}

// drawTriangle draws an upward triangle with its centre at (cx, cy).
func drawTriangle(img *image.Paletted, cx, cy, half int, c uint8) {
	top, base := cy-half, cy+half
	for y := top; y <= base; y++ {
		w := (y - top) * half / (base - top)
		for x := cx - w; x <= cx+w; x++ {
			img.SetColorIndex(x, y, c)
		}
	}
}

// drawText writes s with basicfont's 7×13 face, each font pixel a
// scale×scale block; (x, y) is the top left of the first glyph's cell.
func drawText(img *image.Paletted, x, y int, s string, scale int, c uint8) {
	face := basicfont.Face7x13
	dot := fixed.P(0, face.Ascent)
	for _, ch := range s {
		if ch == '.' {
			// basicfont's full stop is a small cross that reads as a
			// comma when scaled; draw a square dot on the baseline.
			gx := dot.X.Round()
			fillRect(img, image.Rect(x+(gx+2)*scale, y+9*scale, x+(gx+4)*scale, y+11*scale), c)
			dot.X += fixed.I(face.Advance)
			continue
		}
		dr, mask, mp, adv, ok := face.Glyph(dot, ch)
		if !ok {
			dr, mask, mp, adv, _ = face.Glyph(dot, '?')
		}
		for gy := dr.Min.Y; gy < dr.Max.Y; gy++ {
			for gx := dr.Min.X; gx < dr.Max.X; gx++ {
				_, _, _, a := mask.At(mp.X+gx-dr.Min.X, mp.Y+gy-dr.Min.Y).RGBA()
				if a > 0x8000 {
					fillRect(img, image.Rect(x+gx*scale, y+gy*scale, x+(gx+1)*scale, y+(gy+1)*scale), c)
				}
			}
		}
		dot.X += adv
	}
}

// textWidth is the width of s in pixels at scale.
func textWidth(s string, scale int) int {
	return len([]rune(s)) * basicfont.Face7x13.Advance * scale
}

// drawBars draws a bar chart with each value printed above its bar and
// its label below.
func drawBars(labels []string, vals []int) *image.Paletted {
	const w, h, top, bottom, left = 380, 260, 40, 210, 30
	img := canvas(w, h, white)
	fillRect(img, image.Rect(left, bottom, w-20, bottom+2), black) // x axis
	fillRect(img, image.Rect(left, top-10, left+2, bottom+2), black)
	slot := (w - 20 - left) / len(vals)
	barW := slot * 3 / 5
	for i, v := range vals {
		x0 := left + i*slot + (slot-barW)/2
		y0 := bottom - v*(bottom-top)/100
		fillRect(img, image.Rect(x0, y0, x0+barW, bottom), blue)
		num := strconv.Itoa(v)
		drawText(img, x0+(barW-textWidth(num, 2))/2, y0-28, num, 2, black)
		drawText(img, x0+(barW-textWidth(labels[i], 2))/2, bottom+8, labels[i], 2, black)
	}
	return img
}

// drawCard draws lines of text on a framed card.
func drawCard(lines []string) *image.Paletted {
	const w, h, margin, lineH = 400, 250, 22, 30
	img := canvas(w, h, lightGrey)
	fillRect(img, image.Rect(6, 6, w-6, h-6), grey)
	fillRect(img, image.Rect(9, 9, w-9, h-9), white)
	for i, s := range lines {
		drawText(img, margin, margin+i*lineH, s, 2, black)
	}
	return img
}

// drawDigits draws rows of digits in boxes.
func drawDigits(rows [][]int) *image.Paletted {
	const box, gap, margin = 56, 12, 24
	cols := len(rows[0])
	img := canvas(2*margin+cols*box+(cols-1)*gap, 2*margin+len(rows)*box+(len(rows)-1)*gap, white)
	for r, row := range rows {
		for c, d := range row {
			x := margin + c*(box+gap)
			y := margin + r*(box+gap)
			fillRect(img, image.Rect(x, y, x+box, y+box), grey)
			fillRect(img, image.Rect(x+3, y+3, x+box-3, y+box-3), white)
			drawText(img, x+(box-textWidth("0", 3))/2, y+(box-13*3)/2, strconv.Itoa(d), 3, black)
		}
	}
	return img
}
