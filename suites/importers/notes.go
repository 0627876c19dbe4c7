package importers

import (
	"fmt"
	"strings"
)

// noteAgg collects notes, merging repeats of the same kind of note (one
// line for 500 javascript assertions, not 500).
type noteAgg struct {
	order []string
	byKey map[string]*aggNote
}

type aggNote struct {
	where string
	msg   string
	count int
}

func newNoteAgg() *noteAgg { return &noteAgg{byKey: map[string]*aggNote{}} }

// add notes msg at where; notes of the same kind and message are merged.
func (a *noteAgg) add(where, kind, msg string) {
	key := kind + "\x00" + msg
	if n, ok := a.byKey[key]; ok {
		n.count++
		return
	}
	a.byKey[key] = &aggNote{where: where, msg: msg, count: 1}
	a.order = append(a.order, key)
}

// once notes msg for the whole source.
func (a *noteAgg) once(msg string) { a.add("", "once", msg) }

func (a *noteAgg) has(msg string) bool { _, ok := a.byKey["once\x00"+msg]; return ok }

// about is the notes at where, for a problem's message.
func (a *noteAgg) about(where string) string {
	var out []string
	for _, k := range a.order {
		if n := a.byKey[k]; strings.HasPrefix(n.where, where) {
			out = append(out, n.where+": "+n.msg)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " (" + strings.Join(out, "; ") + ")"
}

// summary is the first n notes, for a problem's message.
func (a *noteAgg) summary(n int) string {
	var out []string
	for i, k := range a.order {
		if i == n {
			break
		}
		out = append(out, a.byKey[k].String())
	}
	if len(out) == 0 {
		return ""
	}
	return ": " + strings.Join(out, "; ")
}

func (n *aggNote) String() string {
	s := n.msg
	if n.where != "" {
		s = n.where + ": " + s
	}
	return s
}

// flush moves the notes into the draft.
func (a *noteAgg) flush(d *draft) {
	for _, k := range a.order {
		n := a.byKey[k]
		where := n.where
		if n.count > 1 && where != "" {
			where += fmt.Sprintf(" (and %d more like it)", n.count-1)
		}
		d.notes = append(d.notes, Note{Where: where, Msg: n.msg})
	}
}
