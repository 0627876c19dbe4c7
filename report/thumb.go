package report

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // decoders for case images
	_ "image/jpeg"
	"image/png"

	"golang.org/x/image/draw"

	"github.com/llmbench/llmbench/results"
)

// thumbSize is the longest side of a thumbnail, in pixels.
const thumbSize = 160

// maxDecodePixels bounds the images decoded for thumbnails, so a hostile
// suite cannot make the report allocate gigabytes.
const maxDecodePixels = 64 << 20

// Thumbnail is a case image reduced for the drill-down table. Every
// thumbnail is re-encoded as PNG, so the report's data: URL never carries a
// media type or bytes taken from the suite as they were.
type Thumbnail struct {
	Path string
	// PNG is the thumbnail; nil when the image could not be decoded.
	PNG           []byte
	Width, Height int
	// Note says why there is no thumbnail.
	Note string
}

func thumbnails(imgs []results.Image) []Thumbnail {
	if len(imgs) == 0 {
		return nil
	}
	out := make([]Thumbnail, len(imgs))
	for i, im := range imgs {
		out[i] = thumbnail(im)
	}
	return out
}

func thumbnail(im results.Image) Thumbnail {
	t := Thumbnail{Path: im.Path}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(im.Data))
	if err != nil {
		t.Note = fmt.Sprintf("%s not shown (%s)", orUnknown(im.MIME), err)
		return t
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxDecodePixels {
		t.Note = fmt.Sprintf("%s image of %d×%d pixels not shown", format, cfg.Width, cfg.Height)
		return t
	}
	src, _, err := image.Decode(bytes.NewReader(im.Data))
	if err != nil {
		t.Note = fmt.Sprintf("%s not shown (%s)", orUnknown(im.MIME), err)
		return t
	}
	w, h := cfg.Width, cfg.Height
	if w > thumbSize || h > thumbSize {
		if w >= h {
			w, h = thumbSize, max(1, h*thumbSize/w)
		} else {
			w, h = max(1, w*thumbSize/h), thumbSize
		}
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, dst); err != nil {
		t.Note = fmt.Sprintf("thumbnail not encoded: %s", err)
		return t
	}
	t.PNG, t.Width, t.Height = buf.Bytes(), w, h
	return t
}

func orUnknown(mime string) string {
	if mime == "" {
		return "image"
	}
	return mime
}
