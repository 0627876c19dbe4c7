// Command genimages draws the images of the built-in vision suite and
// writes them together with the suite's cases file, so the pictures and
// the answers come from one definition and cannot drift apart:
//
//	go run ./suites/internal/genimages -out suites/builtin/vision
//
// Everything is drawn with the standard image package and the
// golang.org/x/image/font/basicfont bitmap font (ASCII only): no external
// assets. Chinese cases ask in Chinese about shapes, charts and printed
// digits, since no CJK font is available to draw Chinese text.
// The output is deterministic (a fixed pseudo-random sequence per image,
// paletted PNGs); a test re-runs the generator and compares.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
)

func main() {
	out := flag.String("out", "", "the vision suite's folder (writes cases.jsonl and images/)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: genimages -out suites/builtin/vision")
		os.Exit(2)
	}
	if err := generate(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genimages:", err)
		os.Exit(1)
	}
}

// visionCase is one case of the suite and the picture it asks about.
type visionCase struct {
	ID       string
	Lang     string
	Question string
	// Reference is the answer; for shapes, charts and digit grids it is
	// computed from what is drawn.
	Reference string
	Keywords  []string
	// Groups are the shapes drawn, for shape-counting cases.
	Groups []group
	Draw   func() *image.Paletted
}

// caseLine is the JSONL form of a case (field order as written).
type caseLine struct {
	ID        string   `json:"id"`
	Lang      string   `json:"lang"`
	Question  string   `json:"question"`
	Images    []string `json:"images"`
	Reference string   `json:"reference"`
	Keywords  []string `json:"keywords,omitempty"`
}

// generate writes dir/images/<id>.png for every case and dir/cases.jsonl.
func generate(dir string) error {
	imgDir := filepath.Join(dir, "images")
	if err := os.MkdirAll(imgDir, 0o755); err != nil {
		return err
	}
	var lines bytes.Buffer
	for _, c := range cases() {
		name := c.ID + ".png"
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(&buf, c.Draw()); err != nil {
			return fmt.Errorf("encode %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(imgDir, name), buf.Bytes(), 0o644); err != nil {
			return err
		}
		line, err := json.Marshal(caseLine{
			ID: c.ID, Lang: c.Lang, Question: c.Question,
			Images: []string{"images/" + name}, Reference: c.Reference, Keywords: c.Keywords,
		})
		if err != nil {
			return err
		}
		lines.Write(line)
		lines.WriteByte('\n')
	}
	return os.WriteFile(filepath.Join(dir, "cases.jsonl"), lines.Bytes(), 0o644)
}

// Palette indexes.
const (
	white = iota
	black
	grey
	red
	blue
	green
	orange
	lightGrey
)

var palette = color.Palette{
	color.RGBA{255, 255, 255, 255},
	color.RGBA{20, 20, 20, 255},
	color.RGBA{120, 120, 120, 255},
	color.RGBA{220, 40, 40, 255},
	color.RGBA{40, 90, 220, 255},
	color.RGBA{30, 160, 60, 255},
	color.RGBA{245, 150, 20, 255},
	color.RGBA{235, 235, 235, 255},
}

// group is n shapes of one kind and colour.
type group struct {
	shape string // circle, square, triangle
	color uint8
	n     int
}

func count(groups []group, match func(g group) bool) string {
	n := 0
	for _, g := range groups {
		if match(g) {
			n += g.n
		}
	}
	return strconv.Itoa(n)
}

func sum(vals []int) int {
	t := 0
	for _, v := range vals {
		t += v
	}
	return t
}

func spread(vals []int) int {
	lo, hi := vals[0], vals[0]
	for _, v := range vals {
		lo, hi = min(lo, v), max(hi, v)
	}
	return hi - lo
}

func cases() []visionCase {
	var out []visionCase
	shapes := func(id, lang, q string, seed uint64, groups []group, match func(group) bool) {
		out = append(out, visionCase{ID: id, Lang: lang, Question: q, Reference: count(groups, match), Groups: groups,
			Draw: func() *image.Paletted { return drawShapes(seed, groups) }})
	}
	isColour := func(c uint8) func(group) bool { return func(g group) bool { return g.color == c } }
	isShape := func(s string) func(group) bool { return func(g group) bool { return g.shape == s } }
	both := func(s string, c uint8) func(group) bool {
		return func(g group) bool { return g.shape == s && g.color == c }
	}
	all := func(group) bool { return true }

	shapes("shapes-en-1", "en", "How many red circles are in the picture?", 11,
		[]group{{"circle", red, 5}, {"circle", blue, 3}, {"square", red, 4}}, both("circle", red))
	shapes("shapes-en-2", "en", "How many green triangles are in the picture?", 12,
		[]group{{"triangle", green, 6}, {"square", green, 2}, {"triangle", orange, 3}}, both("triangle", green))
	shapes("shapes-en-3", "en", "How many shapes are there in the picture in total?", 13,
		[]group{{"circle", red, 2}, {"square", blue, 3}, {"triangle", green, 4}, {"circle", orange, 1}}, all)
	shapes("shapes-en-4", "en", "How many blue shapes are in the picture?", 14,
		[]group{{"circle", blue, 4}, {"square", blue, 5}, {"square", red, 3}, {"triangle", blue, 2}}, isColour(blue))
	shapes("shapes-zh-1", "zh", "图中有几个红色的正方形？", 21,
		[]group{{"square", red, 7}, {"square", blue, 2}, {"circle", red, 3}}, both("square", red))
	shapes("shapes-zh-2", "zh", "图中一共有几个圆形（不论颜色）？", 22,
		[]group{{"circle", orange, 6}, {"circle", green, 4}, {"triangle", orange, 2}}, isShape("circle"))
	shapes("shapes-zh-3", "zh", "图中蓝色的三角形有几个？", 23,
		[]group{{"triangle", blue, 5}, {"triangle", red, 3}, {"circle", blue, 4}}, both("triangle", blue))
	shapes("shapes-zh-4", "zh", "图中绿色的图形一共有几个？", 24,
		[]group{{"square", green, 3}, {"square", orange, 3}, {"circle", green, 5}, {"triangle", red, 2}}, isColour(green))

	chart := func(id, lang, q string, labels []string, vals []int, answer int) {
		out = append(out, visionCase{ID: id, Lang: lang, Question: q, Reference: strconv.Itoa(answer),
			Draw: func() *image.Paletted { return drawBars(labels, vals) }})
	}
	abcde := []string{"A", "B", "C", "D", "E"}
	v1 := []int{35, 60, 25, 80, 45}
	chart("chart-en-1", "en", "What is the value of bar C in the chart?", abcde, v1, v1[2])
	v2 := []int{42, 58, 31, 66, 50}
	chart("chart-en-2", "en", "What is the difference between the highest and the lowest bar in the chart?",
		[]string{"MON", "TUE", "WED", "THU", "FRI"}, v2, spread(v2))
	v3 := []int{15, 40, 28, 17}
	chart("chart-en-3", "en", "What is the sum of all the values shown in the chart?", abcde[:4], v3, sum(v3))
	v4 := []int{72, 18, 54, 39, 63}
	chart("chart-zh-1", "zh", "柱状图中 D 柱的数值是多少？", abcde, v4, v4[3])
	v5 := []int{20, 85, 47, 33, 61}
	chart("chart-zh-2", "zh", "柱状图中最高的柱子比最低的柱子高多少？", abcde, v5, spread(v5))
	v6 := []int{26, 44, 38, 52}
	chart("chart-zh-3", "zh", "柱状图中所有柱子的数值之和是多少？", abcde[:4], v6, sum(v6))

	card := func(id, lang, q, ref string, kw []string, lines []string) {
		out = append(out, visionCase{ID: id, Lang: lang, Question: q, Reference: ref, Keywords: kw,
			Draw: func() *image.Paletted { return drawCard(lines) }})
	}
	card("card-en-1", "en", "Read the notice in the image. Summarise it in one sentence, then give the room number as your final answer.",
		"214", []string{"meeting", "friday", "budget", "laptop|laptops"},
		[]string{"STAFF MEETING", "", "Friday at 10:30", "Room 214, second floor", "Topic: the new budget", "Please bring your laptop"})
	card("card-en-2", "en", "What is the total amount on the receipt in the image?",
		"13.50", []string{"13.50|13.5"},
		[]string{"CORNER CAFE", "", "Tea             2.50", "Sandwich        6.75", "Soup            4.25", "----------------------", "TOTAL          13.50"})
	card("card-en-3", "en", "Read the shopping list in the image. Summarise what it asks for in one sentence, then give the number of items on the list as your final answer.",
		"6", []string{"eggs", "milk", "bread", "apples|apple", "rice", "tomatoes|tomato"},
		[]string{"SHOPPING LIST", "", "- eggs", "- milk", "- bread", "- apples", "- rice", "- tomatoes"})
	card("card-zh-1", "zh", "图片中的门牌上写的房间号是多少？",
		"507", nil,
		[]string{"", "", "      ROOM 507", "", "    PHYSICS LAB B", ""})
	card("card-zh-2", "zh", "图片中的购物小票上，总金额是多少元？",
		"67.00", []string{"67.00|67"},
		[]string{"CITY MARKET", "", "Rice 5kg       39.90", "Oil 1L         15.60", "Eggs x12       11.50", "----------------------", "TOTAL          67.00"})
	card("card-zh-3", "zh", "图片中的列车信息卡上，剩余座位数是多少？",
		"143", nil,
		[]string{"TRAIN       G1024", "FROM        NORTH", "TO          HARBOUR", "DEPARTS     08:45", "PLATFORM    8", "SEATS LEFT  143"})

	grid := func(id, lang, q string, rows [][]int, row int) {
		out = append(out, visionCase{ID: id, Lang: lang, Question: q, Reference: strconv.Itoa(sum(rows[row])),
			Draw: func() *image.Paletted { return drawDigits(rows) }})
	}
	grid("digits-en-1", "en", "The image shows three rows of digits. What is the sum of the four digits in the middle row?",
		[][]int{{3, 8, 1, 6}, {7, 2, 9, 4}, {5, 0, 6, 2}}, 1)
	grid("digits-zh-1", "zh", "图中有三行数字。最后一行四个数字之和是多少？",
		[][]int{{4, 9, 2, 7}, {1, 6, 3, 8}, {9, 5, 0, 4}}, 2)
	return out
}
