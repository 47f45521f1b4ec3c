package prompts

import (
	"fmt"
	"net/url"
	"strings"
)

// Profile names the kind of server behind the OpenAI-compatible API, for
// what the protocol leaves open: how to turn a model's thinking off.
type Profile string

// The profiles of Config.Profile.
const (
	// ProfileOpenAI sends only standard parameters; it is also the profile
	// of servers that cannot be recognised.
	ProfileOpenAI Profile = "openai"
	// ProfileOllama turns thinking off with reasoning_effort "none"
	// (Qwen3, DeepSeek-R1 …).
	ProfileOllama Profile = "ollama"
	// ProfileVLLM turns thinking off with chat_template_kwargs
	// {"enable_thinking": false}, which Qwen3's chat template reads.
	ProfileVLLM Profile = "vllm"
)

// ParseProfile reads a profile name; empty means "guess from the URL".
func ParseProfile(s string) (Profile, error) {
	switch p := Profile(strings.ToLower(strings.TrimSpace(s))); p {
	case "", ProfileOpenAI, ProfileOllama, ProfileVLLM:
		return p, nil
	}
	return "", fmt.Errorf("unknown model profile %q (want openai, ollama or vllm)", s)
}

// GuessProfile guesses the server from its base URL: Ollama listens on
// 11434, vLLM on 8000; a host or path naming either wins. Anything else
// is treated as OpenAI, whose profile sends nothing non-standard.
func GuessProfile(baseURL string) Profile {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || u.Host == "" {
		return ProfileOpenAI
	}
	where := strings.ToLower(u.Host + u.Path)
	switch {
	case strings.Contains(where, "ollama") || u.Port() == "11434":
		return ProfileOllama
	case strings.Contains(where, "vllm") || u.Port() == "8000":
		return ProfileVLLM
	}
	return ProfileOpenAI
}

// thinkingParams are the request fields that turn thinking off, by
// profile; refusesThinking recognises a server that rejects them.
var thinkingParams = map[Profile][]string{
	ProfileOllama: {"reasoning_effort", "think"},
	ProfileVLLM:   {"chat_template_kwargs", "enable_thinking"},
}
