package importers

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/llmbench/llmbench/suites"
)

// imageCopy is an image file to copy into the destination. Dir is opened
// as an os.Root, so Name cannot leave it (".." and escaping symlinks are
// refused).
type imageCopy struct {
	Dir  string
	Name string // slash-separated, inside Dir
	Dest string // relative to the destination: "images/x.jpg"
	Pos  Pos
}

// extraFile is another file an import writes.
type extraFile struct {
	Path string // relative to the destination
	Data []byte
}

// notesFile is where the notes are written.
const notesFile = "IMPORT_NOTES.md"

// write puts the draft into dest. It writes everything into a scratch
// folder inside dest, loads every suite from there with suites.Load, and
// moves the files into dest only when all load. Files of an earlier
// import are replaced only with force.
func (d *draft) write(dest string, force bool) (*Result, error) {
	paths := d.outputPaths()
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return nil, fmt.Errorf("create destination: %w", err)
	}
	if !force {
		var exist []string
		for _, p := range paths {
			if _, err := os.Lstat(filepath.Join(dest, filepath.FromSlash(p))); err == nil {
				exist = append(exist, p)
			}
		}
		if len(exist) > 0 {
			if len(exist) > 5 {
				exist = append(exist[:5], fmt.Sprintf("and %d more", len(exist)-5))
			}
			return nil, fmt.Errorf("%s already holds %s: choose another folder, or pass --force to replace them", dest, strings.Join(exist, ", "))
		}
	}
	tmp, err := os.MkdirTemp(dest, ".import-")
	if err != nil {
		return nil, fmt.Errorf("create scratch folder: %w", err)
	}
	defer os.RemoveAll(tmp)

	if err := d.writeAll(tmp); err != nil {
		return nil, err
	}
	infos, err := d.check(tmp)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		from := filepath.Join(tmp, filepath.FromSlash(p))
		to := filepath.Join(dest, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return nil, fmt.Errorf("create folder: %w", err)
		}
		if err := os.Rename(from, to); err != nil {
			return nil, fmt.Errorf("move %s into place: %w", p, err)
		}
	}
	res := &Result{Dest: dest, Rows: d.rows, Notes: d.notes, Files: paths}
	for i := range infos {
		infos[i].Path = filepath.Join(dest, filepath.FromSlash(d.suites[i].File))
	}
	res.Suites = infos
	for _, f := range d.files {
		if f.Path == targetsFile {
			res.Targets = filepath.Join(dest, targetsFile)
		}
	}
	return res, nil
}

// outputPaths are the files the draft writes, relative to the
// destination, sorted.
func (d *draft) outputPaths() []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, s := range d.suites {
		add(s.File)
		add(s.CasesFile)
	}
	for _, im := range d.images {
		add(im.Dest)
	}
	for _, f := range d.files {
		add(f.Path)
	}
	if len(d.notes) > 0 {
		add(notesFile)
	}
	sort.Strings(out)
	return out
}

func (d *draft) writeAll(dir string) error {
	written := map[string]bool{}
	for _, s := range d.suites {
		if !written[s.CasesFile] {
			written[s.CasesFile] = true
			if err := writeCases(filepath.Join(dir, filepath.FromSlash(s.CasesFile)), s.Cases); err != nil {
				return err
			}
		}
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(s.File)), []byte(s.yaml())); err != nil {
			return err
		}
	}
	if err := d.copyImages(dir); err != nil {
		return err
	}
	for _, f := range d.files {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(f.Path)), f.Data); err != nil {
			return err
		}
	}
	if len(d.notes) > 0 {
		if err := writeFile(filepath.Join(dir, notesFile), []byte(d.notesMarkdown())); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// writeCases writes one JSON object per line.
func writeCases(path string, cases []*draftCase) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write cases: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, c := range cases {
		line, err := marshalNoEscape(c.object())
		if err != nil {
			f.Close()
			return fmt.Errorf("write case %s: %w", c.ID, err)
		}
		w.Write(line)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write cases: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write cases: %w", err)
	}
	return nil
}

// copyImages copies every image into dir, reading each through an
// os.Root of its folder.
func (d *draft) copyImages(dir string) error {
	roots := map[string]*os.Root{}
	defer func() {
		for _, r := range roots {
			r.Close()
		}
	}()
	p := &problems{}
	for _, im := range d.images {
		root := roots[im.Dir]
		if root == nil {
			r, err := os.OpenRoot(im.Dir)
			if err != nil {
				return fmt.Errorf("open image folder: %w", err)
			}
			roots[im.Dir], root = r, r
		}
		if err := copyOne(root, im.Name, filepath.Join(dir, filepath.FromSlash(im.Dest))); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				p.add(im.Pos, "image %s not found in %s: check the path, or name the image folder with --images", im.Name, im.Dir)
			} else {
				p.add(im.Pos, "image %s: %v", im.Name, err)
			}
			if p.full() {
				break
			}
		}
	}
	return p.err()
}

func copyOne(root *os.Root, name, to string) error {
	in, err := root.Open(filepath.FromSlash(name))
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("is not a regular file")
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// check loads every suite written to dir as a run would. A problem Load
// finds on a case line is reported at the case's source position (an
// image that does not decode, say); any other problem, or a suite that
// reads back differently from the draft, is a fault of the importer.
func (d *draft) check(dir string) ([]SuiteInfo, error) {
	p := &problems{}
	var infos []SuiteInfo
	for _, s := range d.suites {
		path := filepath.Join(dir, filepath.FromSlash(s.File))
		loaded, err := suites.Load(path)
		if err != nil {
			var le *suites.LoadError
			if !errors.As(err, &le) {
				return nil, fmt.Errorf("load the imported suite %s: %w", s.File, err)
			}
			casesPath := filepath.Join(dir, filepath.FromSlash(s.CasesFile))
			var internal []string
			for _, lp := range le.Problems {
				if lp.File == casesPath && lp.Line >= 1 && lp.Line <= len(s.Cases) {
					c := s.Cases[lp.Line-1]
					p.add(c.Pos, "%s", lp.Msg)
					continue
				}
				internal = append(internal, strings.ReplaceAll(lp.String(), dir+string(filepath.Separator), ""))
			}
			if len(internal) > 0 {
				return nil, fmt.Errorf("the imported suite %s does not load (an importer fault; please report it):\n%s", s.File, strings.Join(internal, "\n"))
			}
			continue
		}
		if err := s.sameAs(loaded); err != nil {
			return nil, fmt.Errorf("the imported suite %s reads back differently (an importer fault; please report it): %w", s.File, err)
		}
		infos = append(infos, SuiteInfo{Name: loaded.Name, Cases: loaded.Len(), Scorers: loaded.Scorers})
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return infos, nil
}

// sameAs checks that the loaded suite is the one drafted: the YAML
// round trip kept every text and the cases file every case.
func (s *suiteDraft) sameAs(l *suites.Suite) error {
	diff := func(what, want, got string) error {
		return fmt.Errorf("%s: wrote %q, read %q", what, want, got)
	}
	switch {
	case l.Name != s.Name:
		return diff("name", s.Name, l.Name)
	case l.PromptText != s.Prompt:
		return diff("prompt", s.Prompt, l.PromptText)
	case l.System != s.System:
		return diff("system", s.System, l.System)
	case l.Description != s.Description:
		return diff("description", s.Description, l.Description)
	case l.Len() != len(s.Cases):
		return fmt.Errorf("wrote %d cases, read %d", len(s.Cases), l.Len())
	}
	if len(l.Turns) != len(s.Messages) {
		return fmt.Errorf("wrote %d messages, read %d", len(s.Messages), len(l.Turns))
	}
	for i, t := range l.Turns {
		if t != s.Messages[i] {
			return diff("message", s.Messages[i].Content, t.Content)
		}
	}
	if s.Judge != nil && (l.Judge == nil || l.Judge.Rubric != s.Judge.Rubric) {
		return errors.New("the judge rubric changed")
	}
	for i := range l.Len() {
		if id := l.ID(i); id != s.Cases[i].ID {
			return diff("case id", s.Cases[i].ID, id)
		}
	}
	return nil
}

// yaml is the suite file's text.
func (s *suiteDraft) yaml() string {
	var w yamlWriter
	w.comment(s.Header...)
	w.str(0, "name", s.Name)
	if s.Description != "" {
		w.str(0, "description", s.Description)
	}
	if s.System != "" {
		w.str(0, "system", s.System)
	}
	if len(s.Messages) > 0 {
		w.raw(0, "messages", "")
		for _, m := range s.Messages {
			w.b.WriteString("  - role: " + yamlScalar(m.Role) + "\n")
			w.str(4, "content", m.Content)
		}
	} else {
		w.str(0, "prompt", s.Prompt)
	}
	w.raw(0, "scorers", scorersYAML(s.Scorers))
	if ps := s.Params.yaml(); ps != "" {
		w.raw(0, "params", ps)
	}
	if s.Document != "" {
		w.str(0, "document", s.Document)
	}
	if s.Judge != nil {
		w.raw(0, "judge", "")
		w.str(2, "mode", string(s.Judge.Mode))
		if s.Judge.Rubric != "" {
			w.str(2, "rubric", s.Judge.Rubric)
		}
	}
	w.str(0, "cases", s.CasesFile)
	return w.String()
}

func scorersYAML(specs []suites.ScorerSpec) string {
	parts := make([]string, len(specs))
	for i, sp := range specs {
		if sp.IsZero() {
			parts[i] = yamlScalar(sp.Name)
			continue
		}
		opts := []string{"name: " + yamlScalar(sp.Name)}
		if sp.Tokenizer != "" {
			opts = append(opts, "tokenizer: "+yamlScalar(sp.Tokenizer))
		}
		if sp.Stem {
			opts = append(opts, "stem: true")
		}
		parts[i] = "{" + strings.Join(opts, ", ") + "}"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func (p params) yaml() string {
	var parts []string
	if p.Temperature != nil {
		parts = append(parts, "temperature: "+strconv.FormatFloat(*p.Temperature, 'g', -1, 64))
	}
	if p.MaxTokens != nil {
		parts = append(parts, "max_tokens: "+strconv.Itoa(*p.MaxTokens))
	}
	if len(parts) == 0 {
		return ""
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// notesMarkdown is IMPORT_NOTES.md.
func (d *draft) notesMarkdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Import notes\n\n")
	fmt.Fprintf(&b, "`llmbench suites import --format %s` read `%s` (%d rows). ", d.format, filepath.Base(d.source), d.rows)
	b.WriteString("These parts of the source could not be mapped to llmbench, or were changed on the way:\n\n")
	for _, n := range d.notes {
		if n.Where != "" {
			fmt.Fprintf(&b, "- `%s`: %s\n", n.Where, n.Msg)
		} else {
			fmt.Fprintf(&b, "- %s\n", n.Msg)
		}
	}
	return b.String()
}
