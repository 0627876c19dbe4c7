package importers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/llmbench/llmbench/suites"
)

// cocoPrompt is the captioning instruction of lmms-eval's coco_cap tasks
// and InternVL's caption evaluation.
const cocoPrompt = "Provide a one-sentence caption for the provided image."

// COCO captions: either COCO's own annotation file (captions_val2017.json:
// "images" with id and file_name, "annotations" with image_id and
// caption, "licenses"), one case per image with every caption as a
// reference; or JSON Lines with one image per line, {"id", "image" (or
// "images"), "references"} plus any other fields, which are kept (the
// attribution fields of ../shared/data/vision/captions.jsonl, say).
//
// Image paths are resolved in --images (default: the source file's
// folder), must stay inside it, and are copied into the suite's images/
// folder. Data URLs and http(s) URLs are kept as they are (an import
// fetches nothing; a run sends URLs only to providers that take them).
func readCOCO(in *input) (*draft, error) {
	d := newDraft(in)
	dir := in.opts.Images
	if dir == "" {
		dir = filepath.Dir(in.src)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("image folder: %w", err)
	}
	if !st.IsDir() {
		return nil, optionErrorf("--images %s is not a folder", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open image folder: %w", err)
	}
	defer root.Close()
	im := &imageSet{dir: dir, root: root, d: d, taken: map[string]string{}}

	jsonl, err := sniffJSONL(in.src)
	if err != nil {
		return nil, err
	}
	var cases []*draftCase
	if jsonl && !isCOCOAnnotationFile(in.src) {
		cases, err = readCaptionLines(in, im)
	} else {
		cases, err = readCOCOAnnotations(in, im)
	}
	if err != nil {
		return nil, err
	}
	if len(cases) == 0 {
		return d, nil
	}
	d.suites = []*suiteDraft{{
		File:      "suite.yaml",
		CasesFile: "cases.jsonl",
		Header: []string{
			importedHeader(in),
			"The prompt is lmms-eval's coco_cap instruction; the references are every caption of the image.",
			"cider is CIDEr-D on coco-caption's 0-10 scale, bleu sacreBLEU's 0-100, rougeL 0-1.",
		},
		Name:        in.nameOr("coco-captions"),
		Description: fmt.Sprintf("Image captions from %s (%d images), each scored against all of its reference captions.", filepath.Base(in.src), len(cases)),
		Prompt:      cocoPrompt,
		Scorers:     []suites.ScorerSpec{{Name: "cider"}, {Name: "bleu"}, {Name: "rougeL"}},
		Params:      params{Temperature: fptr(0), MaxTokens: iptr(64)},
		Cases:       cases,
	}}
	return d, nil
}

// isCOCOAnnotationFile reports whether a file starting with "{" is one
// JSON document (COCO's format) rather than JSON Lines: a COCO file's
// first object is not complete on its first line, or has "images".
func isCOCOAnnotationFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 1<<20)
	n, _ := io.ReadFull(f, head)
	head = bytes.TrimPrefix(head[:n], []byte(bom))
	first, _, _ := bytes.Cut(head, []byte("\n"))
	o, err := decodeObject(first)
	if err != nil {
		return true // not one object per line: one JSON document
	}
	_, hasImages := o["images"]
	_, hasAnn := o["annotations"]
	return hasImages || hasAnn
}

// readCaptionLines reads the per-image JSON Lines form.
func readCaptionLines(in *input, im *imageSet) ([]*draftCase, error) {
	ids := newIDs()
	var cases []*draftCase
	n := 0
	err := readJSONL(in.src, in.p, func(pos Pos, o map[string]any) bool {
		n++
		id, has := recordID(o)
		if !has {
			in.p.add(pos, `no "id": give every image line a unique id`)
			return true
		}
		refs, rok, rwhat := captionRefs(o)
		paths, iok, iwhat := imageRefs(o)
		switch {
		case !rok:
			in.p.add(pos, `"references" is %s: list the image's captions, e.g. "references": ["A dog on a sofa.", ...]`, rwhat)
			return true
		case !iok:
			in.p.add(pos, `"image" is %s: name the image file, relative to the image folder (--images)`, iwhat)
			return true
		}
		var imgs []string
		for _, p := range paths {
			dest, ok := im.add(in.p, pos, p)
			if !ok {
				return true
			}
			imgs = append(imgs, dest)
		}
		if !ids.claim(in.p, pos, id) {
			return true
		}
		var fields obj
		for _, k := range sortedKeys(o) {
			switch k {
			case "id", "image", "images", "references", "reference", "captions":
				continue
			}
			if k == "tags" { // llmbench's own case tags: kept (Load checks them)
				fields = append(fields, kv{k, o[k]})
				continue
			}
			if reservedFields[k] {
				in.p.add(pos, "field %q has a meaning of its own in llmbench cases: rename it", k)
				return true
			}
			switch v := o[k].(type) {
			case string, json.Number, bool:
				fields = append(fields, kv{k, v})
			}
		}
		cases = append(cases, &draftCase{ID: id, Fields: fields, Refs: refs, Images: imgs, Pos: pos})
		return !in.limitReached(n)
	})
	im.d.rows = n
	return cases, err
}

// captionRefs reads "references" (or "captions", or one "reference").
func captionRefs(o map[string]any) ([]string, bool, string) {
	for _, k := range []string{"references", "captions", "reference"} {
		if _, has := o[k]; has {
			return summaryRefs(o, k)
		}
	}
	return nil, false, "missing"
}

// imageRefs reads "image" (a path) or "images" (a list of paths).
func imageRefs(o map[string]any) ([]string, bool, string) {
	if v, has := o["image"]; has {
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return nil, false, "not a file name"
		}
		return []string{s}, true, ""
	}
	if v, has := o["images"]; has {
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return nil, false, "not a list of file names"
		}
		var out []string
		for _, e := range list {
			s, ok := e.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return nil, false, "a list holding something other than file names"
			}
			out = append(out, s)
		}
		return out, true, ""
	}
	return nil, false, "missing"
}

// readCOCOAnnotations reads COCO's captions JSON.
func readCOCOAnnotations(in *input, im *imageSet) ([]*draftCase, error) {
	f, err := os.Open(in.src)
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	var doc any
	whole := Pos{File: in.src}
	if err := dec.Decode(&doc); err != nil {
		var se *json.SyntaxError
		if errors.Is(err, io.ErrUnexpectedEOF) {
			in.p.add(Pos{File: in.src, Line: lastLine(in.src)}, "the file ends inside the JSON document: is it complete?")
		} else if errors.As(err, &se) {
			in.p.add(Pos{File: in.src, Line: offsetLine(in.src, se.Offset)}, "not valid JSON (%v): COCO's captions file is one JSON object", se)
		} else {
			in.p.add(whole, "not valid JSON (%v): COCO's captions file is one JSON object", strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil, nil
	}
	root, ok := doc.(map[string]any)
	if !ok {
		in.p.add(whole, "the file holds a JSON %s: COCO's captions file is an object with \"images\" and \"annotations\"", jsonKind(doc))
		return nil, nil
	}
	images, iok := root["images"].([]any)
	anns, aok := root["annotations"].([]any)
	if !iok || !aok {
		in.p.add(Pos{File: in.src, Where: "$"}, `no "images" and "annotations" lists (keys: %s): is this COCO's captions file (captions_val2017.json)? An image_info file has no captions`, fieldNames(root))
		return nil, nil
	}
	licenses := map[string]map[string]any{}
	if ls, ok := root["licenses"].([]any); ok {
		for _, l := range ls {
			if lm, ok := l.(map[string]any); ok {
				if id, ok := cocoID(lm["id"]); ok {
					licenses[id] = lm
				}
			}
		}
	}
	// Captions by image id, in file order.
	captions := map[string][]string{}
	for i, a := range anns {
		at := Pos{File: in.src, Where: fmt.Sprintf("annotations[%d]", i)}
		am, ok := a.(map[string]any)
		if !ok {
			in.p.add(at, "is a JSON %s, not an annotation object", jsonKind(a))
			continue
		}
		imgID, ok := cocoID(am["image_id"])
		if !ok {
			at.Where += ".image_id"
			in.p.add(at, "is %s: each annotation names its image by number", describe(am["image_id"]))
			continue
		}
		c, ok := am["caption"].(string)
		if !ok || strings.TrimSpace(c) == "" {
			at.Where += ".caption"
			in.p.add(at, "is %s: each annotation holds one caption", describe(am["caption"]))
			continue
		}
		captions[imgID] = append(captions[imgID], strings.TrimSpace(c))
		if in.p.full() {
			return nil, nil
		}
	}
	ids := newIDs()
	known := map[string]bool{}
	var cases []*draftCase
	n := 0
	for i, x := range images {
		at := Pos{File: in.src, Where: fmt.Sprintf("images[%d]", i)}
		xm, ok := x.(map[string]any)
		if !ok {
			in.p.add(at, "is a JSON %s, not an image object", jsonKind(x))
			continue
		}
		id, ok := cocoID(xm["id"])
		if !ok {
			in.p.add(Pos{File: in.src, Where: at.Where + ".id"}, "is %s: each image has a numeric id", describe(xm["id"]))
			continue
		}
		known[id] = true
		if in.limitReached(n) {
			continue // still collect ids, so annotations are checked
		}
		name, ok := xm["file_name"].(string)
		if !ok || name == "" {
			in.p.add(Pos{File: in.src, Where: at.Where + ".file_name"}, "is %s: each image names its file", describe(xm["file_name"]))
			continue
		}
		refs := captions[id]
		if len(refs) == 0 {
			in.p.add(at, "image %s (%s) has no caption in annotations: every image needs at least one reference", id, name)
			continue
		}
		n++
		dest, ok := im.add(in.p, at, name)
		if !ok || !ids.claim(in.p, at, id) {
			continue
		}
		fields := obj{{"coco_image_id", xm["id"]}, {"file_name", name}}
		for _, k := range []string{"flickr_url", "coco_url"} {
			if s, ok := xm[k].(string); ok && s != "" {
				fields = append(fields, kv{k, s})
			}
		}
		if lid, ok := cocoID(xm["license"]); ok {
			if l := licenses[lid]; l != nil {
				for _, k := range []string{"name", "url"} {
					if s, ok := l[k].(string); ok && s != "" {
						fields = append(fields, kv{"license_" + k, s})
					}
				}
			}
		}
		cases = append(cases, &draftCase{ID: id, Fields: fields, Refs: refs, Images: []string{dest}, Pos: at})
		if in.p.full() {
			break
		}
	}
	for i, a := range anns {
		if am, ok := a.(map[string]any); ok {
			if imgID, ok := cocoID(am["image_id"]); ok && !known[imgID] {
				in.p.add(Pos{File: in.src, Where: fmt.Sprintf("annotations[%d].image_id", i)}, "image %s is not among the images", imgID)
			}
		}
		if in.p.full() {
			break
		}
	}
	im.d.rows = n
	return cases, nil
}

// cocoID reads a numeric (or string) id as its text.
func cocoID(v any) (string, bool) {
	switch v := v.(type) {
	case json.Number:
		return v.String(), true
	case string:
		return v, v != ""
	}
	return "", false
}

func describe(v any) string {
	if v == nil {
		return "missing"
	}
	return "a " + jsonKind(v)
}

// offsetLine is the 1-based line of byte offset off in the file.
func offsetLine(path string, off int64) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	line := 1
	buf := make([]byte, 64<<10)
	for off > 0 {
		n, err := f.Read(buf[:min(int64(len(buf)), off)])
		line += bytes.Count(buf[:n], []byte("\n"))
		off -= int64(n)
		if err != nil {
			break
		}
	}
	return line
}

// lastLine is the number of the file's last line holding text.
func lastLine(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(bytes.TrimRight(data, " \t\r\n"), []byte("\n")) + 1
}

// imageSet resolves case images in one folder and plans their copies.
type imageSet struct {
	dir   string
	root  *os.Root
	d     *draft
	taken map[string]string // dest → source name
	// remote is set once an http(s) image URL has been noted.
	remote bool
}

// add checks one image reference and returns the path the case will name.
func (s *imageSet) add(p *problems, pos Pos, ref string) (string, bool) {
	if strings.HasPrefix(ref, "data:") {
		return ref, true
	}
	if strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://") {
		if !s.remote {
			s.remote = true
			s.d.note(pos.String(), "image URLs are kept as URLs (the first: %s): an import fetches nothing, and only providers that take image URLs can run these cases; download the images and name the files to send them to every provider", ref)
		}
		return ref, true
	}
	if strings.Contains(ref, "://") {
		p.add(pos, "image %q is a URL llmbench cannot use: name a file in the image folder, or an http(s) URL", ref)
		return "", false
	}
	native := filepath.FromSlash(ref)
	if filepath.IsAbs(native) || path.IsAbs(ref) || !filepath.IsLocal(native) {
		p.add(pos, "image %q is not inside the image folder %s: name it relative to that folder (--images sets it)", ref, s.dir)
		return "", false
	}
	name := filepath.ToSlash(filepath.Clean(native))
	if err := sniffImage(s.root, name); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			p.add(pos, "image %s not found in %s: check the path, or name the image folder with --images", name, s.dir)
		} else {
			p.add(pos, "image %s: %v", name, err)
		}
		return "", false
	}
	// images/ + the path without a leading "images/" of its own; a
	// different image landing on a taken name gets a numbered name.
	dest := "images/" + strings.TrimPrefix(name, "images/")
	for k := 2; ; k++ {
		prev, dup := s.taken[dest]
		if !dup {
			break
		}
		if prev == name {
			return dest, true // the same image used again
		}
		dir, file := path.Split(name)
		dest = "images/" + strings.TrimPrefix(dir, "images/") + fmt.Sprintf("%d-%s", k, file)
	}
	s.taken[dest] = name
	s.d.images = append(s.d.images, imageCopy{Dir: s.dir, Name: name, Dest: dest, Pos: pos})
	return dest, true
}

// imageMIMEs are the types suites.Load accepts.
var imageMIMEs = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// sniffImage checks that name is a regular file whose first bytes are a
// PNG, JPEG, GIF or WebP header (Load decodes it fully later).
func sniffImage(root *os.Root, name string) error {
	f, err := root.Open(filepath.FromSlash(name))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return errors.New("is not a regular file")
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	if mime := http.DetectContentType(head[:n]); !imageMIMEs[mime] {
		return fmt.Errorf("is %s, not a PNG, JPEG, GIF or WebP image", mime)
	}
	return nil
}

func sortedKeys(o map[string]any) []string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
