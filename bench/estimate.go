package bench

import (
	"bytes"
	"image"
	_ "image/gif" // image sizes for the tile rule
	_ "image/jpeg"
	_ "image/png"
	"strings"
	"sync"

	"github.com/tiktoken-go/tokenizer"

	"github.com/llmbench/llmbench/providers"
)

// Token estimate methods, as EstimateInput names them.
const (
	// MethodO200k and MethodCl100k are OpenAI's BPE tokenizers (exact for
	// OpenAI models' text; the vocabularies ship inside the
	// github.com/tiktoken-go/tokenizer module, nothing is downloaded).
	MethodO200k  = "o200k_base BPE"
	MethodCl100k = "cl100k_base BPE"
	// MethodHeuristic is EstimateTokens's rule for models whose tokenizer
	// this build does not have: each CJK character one token, other text
	// one token per four bytes of each word. An estimate: real counts
	// differ by model (by tens of percent for Chinese).
	MethodHeuristic = "heuristic: CJK char ≈ 1 token, else ≈ 4 bytes/token"
)

// TypicalAnswerTokens is the answer length assumed when a call sets no
// max_tokens, and the typical answer of an estimate (capped by
// max_tokens when that is lower).
const TypicalAnswerTokens = 256

// Image tokens by OpenAI's high-detail rule: the image is scaled to fit
// 2048×2048, then its short side to 768; each 512-pixel tile costs
// imageTileTokens and every image imageBaseTokens more. An image whose
// size cannot be read (a URL, an unknown format) counts as 1024×1024
// (imageFlatTokens). Other providers price images their own way; this is
// the estimate for all of them.
const (
	imageBaseTokens = 85
	imageTileTokens = 170
	imageFlatTokens = imageBaseTokens + 4*imageTileTokens
)

// Estimate is an estimated token count and how it was made.
type Estimate struct {
	Tokens int
	// Method is MethodO200k, MethodCl100k or MethodHeuristic.
	Method string
}

// EstimateInput estimates the input tokens of req to model: by the
// model's own tokenizer where this build has it (OpenAI models), else by
// the heuristic. Each message adds 3 tokens of framing and the reply 3
// more (OpenAI's chat format), each image ImageTokens.
func EstimateInput(model string, req *providers.Request) Estimate {
	codec, method := codecFor(model)
	n := 3
	for _, m := range req.Messages {
		n += 3
		if codec != nil {
			c, err := codec.Count(m.Text)
			if err != nil {
				c = textTokens(m.Text)
			}
			n += c
		} else {
			n += textTokens(m.Text)
		}
		for _, img := range m.Images {
			n += ImageTokens(img)
		}
	}
	return Estimate{Tokens: n, Method: method}
}

// ImageTokens estimates an image's input tokens by OpenAI's high-detail
// tile rule (see imageTileTokens).
func ImageTokens(img providers.Image) int {
	if len(img.Data) == 0 {
		return imageFlatTokens
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(img.Data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return imageFlatTokens
	}
	w, h := float64(cfg.Width), float64(cfg.Height)
	if s := 2048 / max(w, h); s < 1 {
		w, h = w*s, h*s
	}
	if s := 768 / min(w, h); s < 1 {
		w, h = w*s, h*s
	}
	tiles := int((w+511)/512) * int((h+511)/512)
	return imageBaseTokens + imageTileTokens*tiles
}

// codecFor is the tokenizer of an OpenAI model name (nil and the
// heuristic for any other model).
func codecFor(model string) (tokenizer.Codec, string) {
	m := strings.ToLower(model)
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:] // "openai/gpt-4o" as routers write it
	}
	family := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if m == p || strings.HasPrefix(m, p+"-") {
				return true
			}
		}
		return false
	}
	switch {
	case family("gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4"):
		if c, err := o200k(); err == nil {
			return c, MethodO200k
		}
	case family("gpt-4", "gpt-3.5"):
		if c, err := cl100k(); err == nil {
			return c, MethodCl100k
		}
	}
	return nil, MethodHeuristic
}

var (
	o200k  = sync.OnceValues(func() (tokenizer.Codec, error) { return tokenizer.Get(tokenizer.O200kBase) })
	cl100k = sync.OnceValues(func() (tokenizer.Codec, error) { return tokenizer.Get(tokenizer.Cl100kBase) })
)

// providersRequest is the request a call of model with msgs and params
// sends, as far as estimates need it.
func providersRequest(model string, msgs []providers.Message, params providers.Params) *providers.Request {
	return &providers.Request{Model: model, Messages: msgs, Params: params}
}
