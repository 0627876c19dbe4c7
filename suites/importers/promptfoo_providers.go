package importers

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// pfTarget is a promptfoo provider mapped to an llmbench target.
type pfTarget struct {
	Name, Provider, Model, BaseURL, APIKeyEnv string
	Temperature, TopP                         *float64
	MaxTokens, Seed                           *int
	Stop                                      []string
}

// OpenAI-compatible hosts promptfoo has providers for, reached through
// llmbench's openai adapter with the host's API root and key variable.
var pfOpenAIHosts = map[string]struct{ base, keyEnv string }{
	"openrouter": {"https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"},
	"groq":       {"https://api.groq.com/openai/v1", "GROQ_API_KEY"},
	"mistral":    {"https://api.mistral.ai/v1", "MISTRAL_API_KEY"},
	"togetherai": {"https://api.together.xyz/v1", "TOGETHER_API_KEY"},
}

// pfProviderWhy says why a provider family does not map.
var pfProviderWhy = map[string]string{
	"azure":         "llmbench has no Azure OpenAI provider (Azure's deployments and api-version differ from OpenAI's API)",
	"bedrock":       "llmbench has no AWS Bedrock provider",
	"vertex":        "llmbench reaches Gemini through Google AI Studio (provider gemini, GEMINI_API_KEY), not Vertex AI's service accounts",
	"replicate":     "llmbench has no Replicate provider",
	"huggingface":   "llmbench has no Hugging Face inference provider",
	"hf":            "llmbench has no Hugging Face inference provider",
	"http":          "llmbench has no generic HTTP provider; for an OpenAI-compatible endpoint use provider openai with base_url",
	"https":         "llmbench has no generic HTTP provider; for an OpenAI-compatible endpoint use provider openai with base_url",
	"webhook":       "llmbench has no webhook provider",
	"exec":          "llmbench does not run commands as providers",
	"python":        "llmbench does not run custom code as a provider",
	"file":          "llmbench does not run custom code as a provider",
	"echo":          "echo returns the prompt; it is no model",
	"sequence":      "llmbench has no sequence provider",
	"llama":         "promptfoo's llama provider uses llama.cpp's native /completion endpoint; for llama-server's OpenAI-compatible API use provider llamacpp",
	"localai":       "llmbench has no LocalAI provider; LocalAI is OpenAI-compatible: use provider openai with base_url",
	"cloudflare-ai": "llmbench has no Cloudflare Workers AI provider",
}

// mapProvider maps one promptfoo provider id and its config. ok is false
// (why says why) when llmbench cannot reach the same model.
func (pf *pfImport) mapProvider(id, label string, config map[string]any, where string) (t pfTarget, ok bool, why string) {
	family, rest, _ := strings.Cut(id, ":")
	if strings.HasPrefix(id, "http://") || strings.HasPrefix(id, "https://") {
		family = "http"
	}
	switch family {
	case "openai":
		kind, model, hasKind := strings.Cut(rest, ":")
		if !hasKind {
			kind, model = "chat", rest
		}
		switch kind {
		case "chat":
		case "responses":
			pf.notes.add(where, "openai:responses", "promptfoo called the Responses API; llmbench's openai provider uses Chat Completions with the same model")
		default:
			return t, false, fmt.Sprintf("openai:%s is not a chat model API: llmbench speaks Chat Completions", kind)
		}
		t = pfTarget{Provider: "openai", Model: model}
	case "anthropic":
		kind, model, hasKind := strings.Cut(rest, ":")
		switch {
		case !hasKind:
			model = rest
		case kind == "messages":
		default:
			return t, false, fmt.Sprintf("anthropic:%s is not the Messages API", kind)
		}
		t = pfTarget{Provider: "anthropic", Model: model}
	case "google", "gemini":
		model := strings.TrimPrefix(rest, "chat:")
		t = pfTarget{Provider: "gemini", Model: model}
	case "ollama":
		kind, model, hasKind := strings.Cut(rest, ":")
		switch {
		case !hasKind:
			model = rest
		case kind == "chat":
		case kind == "completion":
			pf.notes.add(where, "ollama:completion", "promptfoo called Ollama's /api/generate; llmbench's ollama provider uses its OpenAI-compatible chat endpoint")
		default:
			// "llama3:8b" has a tag, not a kind.
			if kind == "embeddings" || kind == "embedding" {
				return t, false, "embeddings are not a chat model"
			}
			model = rest
		}
		t = pfTarget{Provider: "ollama", Model: model}
		if host, ok := config["apiBaseUrl"].(string); ok && host != "" {
			t.BaseURL = strings.TrimRight(host, "/") + "/v1"
			delete(config, "apiBaseUrl")
		}
	case "deepseek":
		t = pfTarget{Provider: "deepseek", Model: rest}
	case "alibaba", "alicloud", "aliyun", "dashscope":
		// promptfoo's default is DashScope's international endpoint;
		// llmbench's qwen preset defaults to the Beijing one.
		t = pfTarget{Provider: "qwen", Model: rest, BaseURL: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"}
	default:
		if h, ok := pfOpenAIHosts[family]; ok {
			t = pfTarget{Provider: "openai", Model: rest, BaseURL: h.base, APIKeyEnv: h.keyEnv}
			break
		}
		if w, ok := pfProviderWhy[family]; ok {
			return t, false, w
		}
		return t, false, "llmbench has no provider for it"
	}
	if strings.TrimSpace(t.Model) == "" {
		return t, false, "the id names no model"
	}
	pf.mapProviderConfig(&t, config, where)
	t.Name = label
	if t.Name == "" {
		t.Name = t.Model
	}
	return t, true, ""
}

// mapProviderConfig carries over the config keys llmbench has, and notes
// the others. An API key written in the config is never copied: llmbench
// reads keys from the environment.
func (pf *pfImport) mapProviderConfig(t *pfTarget, config map[string]any, where string) {
	keys := make([]string, 0, len(config))
	for k := range config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := config[k]
		switch k {
		case "temperature":
			if f, ok := number(v); ok {
				t.Temperature = &f
				continue
			}
		case "top_p", "topP":
			if f, ok := number(v); ok {
				t.TopP = &f
				continue
			}
		case "max_tokens", "max_completion_tokens", "maxTokens", "num_predict", "max_output_tokens":
			if f, ok := number(v); ok && f == float64(int(f)) && f > 0 {
				t.MaxTokens = iptr(int(f))
				continue
			}
		case "seed":
			if f, ok := number(v); ok && f == float64(int(f)) {
				t.Seed = iptr(int(f))
				continue
			}
		case "stop":
			switch s := v.(type) {
			case string:
				t.Stop = []string{s}
				continue
			case []any:
				good := true
				for _, e := range s {
					str, ok := e.(string)
					good = good && ok
					t.Stop = append(t.Stop, str)
				}
				if good {
					continue
				}
				t.Stop = nil
			}
		case "generationConfig":
			if m, ok := v.(map[string]any); ok {
				pf.mapProviderConfig(t, m, where)
				continue
			}
		case "maxOutputTokens":
			if f, ok := number(v); ok && f == float64(int(f)) && f > 0 {
				t.MaxTokens = iptr(int(f))
				continue
			}
		case "apiBaseUrl":
			if s, ok := v.(string); ok && s != "" {
				t.BaseURL = s
				continue
			}
		case "apiHost":
			if s, ok := v.(string); ok && s != "" {
				t.BaseURL = "https://" + strings.TrimRight(s, "/") + "/v1"
				continue
			}
		case "apiKeyEnvar":
			if s, ok := v.(string); ok && s != "" {
				t.APIKeyEnv = s
				continue
			}
		case "apiKey":
			pf.notes.add(where, "apiKey", "the API key in the config is not copied: llmbench reads keys from environment variables (api_key_env names one)")
			continue
		}
		pf.notes.add(where, "config."+k, fmt.Sprintf("provider config key %s is not mapped", k))
	}
}

// number reads a YAML number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

// yaml writes the target as a list item of targets: (or, with key, as a
// mapping under key: for the judge).
func (t pfTarget) yaml(w *yamlWriter, key string) {
	indent := 4
	if key != "" {
		w.raw(0, key, "")
		indent = 2
		w.str(indent, "name", t.Name)
	} else {
		w.b.WriteString("  - name:" + yamlValue(t.Name, 6) + "\n")
	}
	w.str(indent, "provider", t.Provider)
	w.str(indent, "model", t.Model)
	if t.BaseURL != "" {
		w.str(indent, "base_url", t.BaseURL)
	}
	if t.APIKeyEnv != "" {
		w.str(indent, "api_key_env", t.APIKeyEnv)
	}
	var ps []string
	if t.Temperature != nil {
		ps = append(ps, "temperature: "+strconv.FormatFloat(*t.Temperature, 'g', -1, 64))
	}
	if t.TopP != nil {
		ps = append(ps, "top_p: "+strconv.FormatFloat(*t.TopP, 'g', -1, 64))
	}
	if t.MaxTokens != nil {
		ps = append(ps, "max_tokens: "+strconv.Itoa(*t.MaxTokens))
	}
	if t.Seed != nil {
		ps = append(ps, "seed: "+strconv.Itoa(*t.Seed))
	}
	if len(t.Stop) > 0 {
		ps = append(ps, "stop: "+yamlFlowList(t.Stop))
	}
	if len(ps) > 0 {
		w.raw(indent, "params", "{"+strings.Join(ps, ", ")+"}")
	}
}

func (pf *pfImport) readProviders(v any) []pfTarget {
	var out []pfTarget
	used := map[string]bool{}
	add := func(t pfTarget, ok bool, why, where, id string) {
		if !ok {
			pf.notes.add(where, "provider "+id, fmt.Sprintf("provider %s is not mapped: %s", id, why))
			return
		}
		for base, k := t.Name, 2; used[t.Name]; k++ {
			t.Name = base + "-" + strconv.Itoa(k)
		}
		used[t.Name] = true
		out = append(out, t)
	}
	var entry func(e any, where string)
	entry = func(e any, where string) {
		switch e := e.(type) {
		case string:
			if name, ok := strings.CutPrefix(e, "file://"); ok && isDataFile(name) {
				pf.providerFile(pf.resolve(name), where, entry)
				return
			}
			t, ok, why := pf.mapProvider(e, "", map[string]any{}, where)
			add(t, ok, why, where, e)
		case map[string]any:
			id, hasID := e["id"].(string)
			opts := e
			if !hasID && len(e) == 1 {
				// {"openai:gpt-4o": {config: ...}}
				for k, v := range e {
					id = k
					opts, _ = v.(map[string]any)
				}
			}
			if id == "" {
				pf.notes.add(where, "provider", "a provider object needs id:")
				return
			}
			if name, ok := strings.CutPrefix(id, "file://"); ok && isDataFile(name) {
				pf.providerFile(pf.resolve(name), where, entry)
				return
			}
			label, _ := opts["label"].(string)
			config, _ := opts["config"].(map[string]any)
			if config == nil {
				config = map[string]any{}
			}
			for _, k := range sortedKeys(opts) {
				switch k {
				case "id", "label", "config":
				default:
					pf.notes.add(where, "provider."+k, fmt.Sprintf("provider key %s is not mapped", k))
				}
			}
			t, ok, why := pf.mapProvider(id, label, config, where)
			add(t, ok, why, where, id)
		default:
			pf.notes.add(where, "provider", fmt.Sprintf("a provider is an id or {id, label, config}, not a %s", yamlKindOf(e)))
		}
	}
	switch v := v.(type) {
	case nil:
		pf.notes.once("the config names no providers: targets.yaml is not written")
	case []any:
		for i, e := range v {
			entry(e, joinPath("providers", i))
		}
	case map[string]any:
		if _, ok := v["id"]; ok {
			entry(v, "providers")
		} else {
			for _, k := range sortedKeys(v) {
				entry(map[string]any{k: v[k]}, joinPath("providers", k))
			}
		}
	default:
		entry(v, "providers")
	}
	return out
}

// isDataFile reports whether a file:// reference names YAML or JSON (not code).
func isDataFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// providerFile reads providers from a YAML or JSON file.
func (pf *pfImport) providerFile(path, where string, entry func(any, string)) {
	doc, ok, err := loadYAML(path, &problems{})
	if err != nil || !ok {
		pf.notes.add(where, "provider", fmt.Sprintf("cannot read providers from %s", filepath.Base(path)))
		return
	}
	switch v := doc.val.(type) {
	case []any:
		for i, e := range v {
			entry(e, fmt.Sprintf("%s (%s[%d])", where, filepath.Base(path), i))
		}
	default:
		entry(v, where+" ("+filepath.Base(path)+")")
	}
}

func (pf *pfImport) writeTargets(name string, targets []pfTarget, judge *pfTarget, repeats int) {
	if len(targets) == 0 {
		if !pf.notes.has("the config names no providers: targets.yaml is not written") {
			pf.notes.once("no provider could be mapped: targets.yaml is not written")
		}
		return
	}
	var w yamlWriter
	w.comment(
		fmt.Sprintf("Targets from the promptfoo config %s, written by `llmbench suites import`.", filepath.Base(pf.in.src)),
		"A config for `llmbench run --config targets.yaml`: keys come from environment variables, never",
		"from this file. See IMPORT_NOTES.md for providers and settings that were not mapped.",
	)
	w.str(0, "name", name)
	w.raw(0, "targets", "")
	for _, t := range targets {
		t.yaml(&w, "")
	}
	var files []string
	seen := map[string]bool{}
	for _, s := range pf.d.suites {
		if !seen[s.File] {
			seen[s.File] = true
			files = append(files, s.File)
		}
	}
	w.raw(0, "suites", yamlFlowList(files))
	if repeats > 1 {
		w.raw(0, "repeats", strconv.Itoa(repeats))
	}
	if judge != nil {
		for _, s := range pf.d.suites {
			if s.Judge != nil {
				judge.yaml(&w, "judge")
				break
			}
		}
	}
	pf.d.files = append(pf.d.files, extraFile{Path: targetsFile, Data: []byte(w.String())})
}
