package bot

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// manifestFiles are the app manifests users paste into Slack.
var manifestFiles = []string{"../manifest.yaml", "../manifest-http.yaml"}

// manifestReference is testdata/slack-manifest-reference.yaml: a copy of
// the fields of Slack's manifest reference.
type manifestReference struct {
	Fields    map[string]any            `yaml:"fields"`
	BotScopes map[string]string         `yaml:"bot_scopes"`
	BotEvents map[string]referenceEvent `yaml:"bot_events"`
}

type referenceEvent struct {
	Scope  string `yaml:"scope"`
	Needs  string `yaml:"needs"`
	Legacy bool   `yaml:"legacy"`
}

func loadYAML(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// checkFields walks a manifest value against the reference and returns
// what does not match, each with its path.
func checkFields(path string, ref map[string]any, got any) []string {
	if _, leaf := ref["type"]; leaf {
		return checkLeaf(path, ref, got)
	}
	m, ok := got.(map[string]any)
	if !ok {
		return []string{path + ": want a group of fields"}
	}
	var bad []string
	for k, v := range m {
		sub, known := ref[k].(map[string]any)
		if !known {
			bad = append(bad, path+"."+k+": not a field of Slack's manifest")
			continue
		}
		if d, ok := sub["deprecated"].(string); ok {
			bad = append(bad, path+"."+k+": deprecated: "+d)
		}
		bad = append(bad, checkFields(path+"."+k, sub, v)...)
	}
	for k, v := range ref {
		if sub, ok := v.(map[string]any); ok && sub["required"] == true {
			if _, present := m[k]; !present {
				bad = append(bad, path+"."+k+": required")
			}
		}
	}
	return bad
}

func checkLeaf(path string, ref map[string]any, got any) []string {
	limit := func(key string) (int, bool) { n, ok := ref[key].(int); return n, ok }
	var bad []string
	switch ref["type"] {
	case "string":
		s, ok := got.(string)
		if !ok {
			return []string{path + ": want a string"}
		}
		n := utf8.RuneCountInString(s)
		if mx, ok := limit("max"); ok && n > mx {
			bad = append(bad, fmt.Sprintf("%s: %d characters, Slack allows %d", path, n, mx))
		}
		if mn, ok := limit("min"); ok && n < mn {
			bad = append(bad, fmt.Sprintf("%s: %d characters, Slack needs %d", path, n, mn))
		}
		if p, ok := ref["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(s) {
			bad = append(bad, fmt.Sprintf("%s: %q does not match %s", path, s, p))
		}
		if enum, ok := ref["enum"].([]any); ok && !slices.Contains(enum, any(s)) {
			bad = append(bad, fmt.Sprintf("%s: %q is not one of %v", path, s, enum))
		}
	case "bool":
		if _, ok := got.(bool); !ok {
			bad = append(bad, path+": want true or false")
		}
	case "int":
		if _, ok := got.(int); !ok {
			bad = append(bad, path+": want an integer")
		}
	case "list":
		l, ok := got.([]any)
		if !ok {
			return []string{path + ": want a list"}
		}
		if mx, ok := limit("max"); ok && len(l) > mx {
			bad = append(bad, fmt.Sprintf("%s: %d entries, Slack allows %d", path, len(l), mx))
		}
		if items, ok := ref["items"].(map[string]any); ok {
			for i, el := range l {
				bad = append(bad, checkFields(fmt.Sprintf("%s[%d]", path, i), items, el)...)
			}
		}
	}
	return bad
}

// manifestShape is the part of a manifest the bot's behaviour depends on.
type manifestShape struct {
	Features struct {
		AgentView *struct {
			AgentDescription string `yaml:"agent_description"`
			SuggestedPrompts []struct {
				Title   string `yaml:"title"`
				Message string `yaml:"message"`
			} `yaml:"suggested_prompts"`
		} `yaml:"agent_view"`
		AssistantView map[string]any `yaml:"assistant_view"`
		AppHome       struct {
			HomeTab     bool `yaml:"home_tab_enabled"`
			MessagesTab bool `yaml:"messages_tab_enabled"`
			ReadOnly    bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Events struct {
			Bot []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
	} `yaml:"settings"`
}

// TestManifestsMatchSlackReference checks both manifests field by field
// against the copy of Slack's manifest reference, and the choices of the
// agent messaging experience: agent_view with a short Korean description
// saying drafts stay in the DM, the bot's own prompts, the Messages tab,
// the events the bot handles and the scopes they need, no split view.
func TestManifestsMatchSlackReference(t *testing.T) {
	var ref manifestReference
	loadYAML(t, "testdata/slack-manifest-reference.yaml", &ref)
	hangul := regexp.MustCompile(`\p{Hangul}`)
	wantEvents := []string{"app_context_changed", "app_home_opened", "app_mention", "message.channels", "message.groups", "message.im"}
	for _, file := range manifestFiles {
		t.Run(strings.TrimPrefix(file, "../"), func(t *testing.T) {
			var raw map[string]any
			loadYAML(t, file, &raw)
			for _, p := range checkFields("manifest", ref.Fields, raw) {
				t.Error(p)
			}
			var m manifestShape
			loadYAML(t, file, &m)
			av := m.Features.AgentView
			switch {
			case av == nil:
				t.Fatal("features.agent_view missing: new apps get only the agent messaging experience")
			case !hangul.MatchString(av.AgentDescription) || !strings.Contains(av.AgentDescription, "DM"):
				t.Errorf("agent_description %q: want Korean, saying drafts stay in the DM", av.AgentDescription)
			}
			if m.Features.AssistantView != nil {
				t.Error("features.assistant_view present: an app has agent_view or the legacy split view, not both")
			}
			if !m.Features.AppHome.MessagesTab || m.Features.AppHome.ReadOnly || !m.Features.AppHome.HomeTab {
				t.Errorf("app_home %+v: want the Messages tab on and writable, and the Home tab", m.Features.AppHome)
			}
			var prompts []string
			for _, p := range av.SuggestedPrompts {
				prompts = append(prompts, p.Title+"|"+p.Message)
			}
			var botPrompts []string
			for _, p := range suggestedPrompts {
				botPrompts = append(botPrompts, p.Title+"|"+p.Message)
			}
			if !slices.Equal(prompts, botPrompts) {
				t.Errorf("static prompts %q differ from the ones the bot sets %q", prompts, botPrompts)
			}

			events := slices.Sorted(slices.Values(m.Settings.Events.Bot))
			if !slices.Equal(events, wantEvents) {
				t.Errorf("bot_events %v; want %v", events, wantEvents)
			}
			scopes := m.OAuth.Scopes.Bot
			for _, ev := range events {
				re, ok := ref.BotEvents[ev]
				switch {
				case !ok:
					t.Errorf("event %s is not in Slack's reference", ev)
				case re.Legacy:
					t.Errorf("event %s belongs to the split view; an agent app never receives it", ev)
				case re.Needs == "agent_view" && av == nil:
					t.Errorf("event %s needs features.agent_view", ev)
				case re.Scope != "" && !slices.Contains(scopes, re.Scope):
					t.Errorf("event %s needs scope %s", ev, re.Scope)
				}
			}
			for _, s := range scopes {
				if _, ok := ref.BotScopes[s]; !ok {
					t.Errorf("scope %s is not a bot scope in Slack's reference", s)
				}
			}
		})
	}
}

// TestSlackDocListsEveryScope checks that docs/slack.md says why each
// scope of the manifests is needed, in its table of scopes.
func TestSlackDocListsEveryScope(t *testing.T) {
	doc, err := os.ReadFile("../docs/slack.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range manifestFiles {
		var m manifestShape
		loadYAML(t, file, &m)
		for _, s := range m.OAuth.Scopes.Bot {
			row := regexp.MustCompile("(?m)^\\| [^|\\n]*`" + regexp.QuoteMeta(s) + "`[^|\\n]*\\| *[^| \\n][^|\\n]{10,}\\|")
			if !row.Match(doc) {
				t.Errorf("%s: docs/slack.md has no row saying why scope %s is needed", file, s)
			}
		}
	}
}

// The field check catches what Slack would reject or deprecates: an
// unknown field, a description over its limit, the split view, a missing
// required field.
func TestManifestFieldCheckCatchesMistakes(t *testing.T) {
	var ref manifestReference
	loadYAML(t, "testdata/slack-manifest-reference.yaml", &ref)
	cases := []struct {
		name, manifest, want string
	}{
		{"unknown field", "display_information: {name: a}\nfeatures: {agent_vew: {agent_description: x}}", "features.agent_vew: not a field"},
		{"description too long", "display_information: {name: a}\nfeatures: {agent_view: {agent_description: " + strings.Repeat("가", 301) + "}}", "301 characters, Slack allows 300"},
		{"split view", "display_information: {name: a}\nfeatures: {assistant_view: {assistant_description: x}}", "features.assistant_view: deprecated"},
		{"missing description", "display_information: {name: a}\nfeatures: {agent_view: {suggested_prompts: []}}", "agent_description: required"},
		{"five prompts", "display_information: {name: a}\nfeatures: {agent_view: {agent_description: x, suggested_prompts: [{title: a, message: b}, {title: a, message: b}, {title: a, message: b}, {title: a, message: b}, {title: a, message: b}]}}", "5 entries, Slack allows 4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var raw map[string]any
			if err := yaml.Unmarshal([]byte(c.manifest), &raw); err != nil {
				t.Fatal(err)
			}
			got := strings.Join(checkFields("manifest", ref.Fields, raw), "\n")
			if !strings.Contains(got, c.want) {
				t.Errorf("problems:\n%s\nwant one saying %q", got, c.want)
			}
		})
	}
}
