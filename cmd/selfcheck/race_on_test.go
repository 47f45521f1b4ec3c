//go:build race

package main

// raceOn is set under the race detector, which makes CPU-bound work
// about ten times slower: tests that build a large index use a smaller
// one then.
const raceOn = true
