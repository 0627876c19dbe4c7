package bench

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/llmbench/llmbench/suites"
)

// WithTags returns the config narrowed to the cases tagged with at least
// one of tags (llmbench run --tag), as if its file said tags: [...]: the
// line is added to Source, so the run records which cases it asked and a
// resume or rescore reads the same narrowing back. With no tags it returns
// c. A config whose file sets tags: already is an error: say it in one
// place.
func (c *Config) WithTags(tags []string) (*Config, error) {
	if len(tags) == 0 {
		return c, nil
	}
	if len(c.Tags) > 0 {
		return nil, fmt.Errorf("%s sets tags: %s already; drop --tag, or remove tags: from the config", c.Path, strings.Join(c.Tags, ", "))
	}
	quoted := make([]string, len(tags))
	for i, t := range tags {
		if strings.TrimSpace(t) == "" {
			return nil, fmt.Errorf("--tag %q is empty: name a tag the cases carry", t)
		}
		b, _ := json.Marshal(t) // a JSON string is a YAML flow scalar
		quoted[i] = string(b)
	}
	src := strings.TrimRight(c.Source, "\n")
	if src != "" {
		src += "\n"
	}
	src += "# added by llmbench run --tag\ntags: [" + strings.Join(quoted, ", ") + "]\n"
	out, err := ParseConfig(c.Path, []byte(src))
	if err != nil {
		return nil, fmt.Errorf("apply --tag: %w", err)
	}
	return out, nil
}

// narrowByTags applies the config's tags to the loaded suites: each keeps
// only its tagged cases (and gets the hash of those), a suite left with
// none is dropped, and it is a problem when no suite keeps any case.
func narrowByTags(tags []string, loaded []*suites.Suite) ([]*suites.Suite, []string) {
	if len(tags) == 0 {
		return loaded, nil
	}
	for _, t := range tags {
		if strings.TrimSpace(t) == "" {
			return nil, []string{"tags: a tag is empty: name tags the cases carry"}
		}
	}
	var out []*suites.Suite
	used := map[string]bool{}
	for _, s := range loaded {
		sub, err := s.WithTags(tags)
		if err != nil {
			return nil, []string{err.Error()}
		}
		if sub.Len() > 0 {
			out = append(out, sub)
			continue
		}
		inUse, err := s.Tags() // only needed to say which tags there are
		if err != nil {
			return nil, []string{err.Error()}
		}
		for t := range inUse {
			used[t] = true
		}
	}
	if len(out) > 0 || len(loaded) == 0 {
		return out, nil
	}
	known := make([]string, 0, len(used))
	for t := range used {
		known = append(known, t)
	}
	sort.Strings(known)
	msg := fmt.Sprintf("no case of any suite has the tag(s) %s", strings.Join(tags, ", "))
	if len(known) == 0 {
		msg += ": the suites' cases carry no tags (a case lists them as \"tags\": [...])"
	} else {
		msg += "; tags in use: " + strings.Join(slices.Compact(known), ", ")
	}
	return nil, []string{msg}
}
